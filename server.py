"""Talentgraph server: app factory, HTTP plumbing and the command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import json
import logging
import multiprocessing
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.logs import configure_logging
from models.settings import ROOT, Settings

# Everything heavier (strawberry, SQLAlchemy, uvicorn, dramatiq) is imported where it is used,
# so that `server.py --help` and the small commands answer at once.
if TYPE_CHECKING:
    from starlette.applications import Starlette

logger = logging.getLogger("talentgraph")
GZIP_MINIMUM_BYTES = 1024
# level 5 compresses a 170 kB page within 10 % of level 9 in a third of the time
GZIP_LEVEL = 5
# already compressed, or streamed in parts: gzip would only cost time (or break the stream)
GZIP_EXCLUDED_TYPES = ("application/pdf", "application/octet-stream", "multipart/mixed")
METRICS_DIR_NAME = "prometheus"  # under DATA_DIR, unless PROMETHEUS_MULTIPROC_DIR is set
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def tune_gc(gen0_threshold: int) -> None:
    """Collect less often: a page of nested results allocates tens of thousands of short-lived
    objects, and with the default threshold (700) the collector ran dozens of times per request.
    Objects alive after start-up are frozen out of the collector's scans."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0_threshold, gen1, gen2)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app; the engine connects lazily, so no I/O happens here."""
    import dramatiq
    from sqlalchemy import text
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    from models import metrics, migrate
    from models.db import count_statements, make_engine, make_session_factory
    from resolvers import events
    from resolvers.calendar import calendar_file
    from resolvers.documents.download import download
    from resolvers.documents.upload import requeue_unfinished as requeue_documents
    from resolvers.evaluations.requests import requeue_unfinished as requeue_evaluations
    from resolvers.notifications import reminders
    from resolvers.notifications.deliver import requeue_unfinished as requeue_notifications
    from resolvers.notifications.unsubscribe import unsubscribe
    from resolvers.ratelimit import MemoryRateLimiter, RedisRateLimiter
    from resolvers.upserts.jobs import requeue_unfinished
    from schema.api import build_schema
    from schema.failures import UnexpectedErrors
    from schema.keepalive import KeepAliveLimit
    from schema.monitoring import RequestContextMiddleware, metrics_endpoint
    from schema.readiness import dependencies
    from schema.view import GRAPHIQL_ASSETS_PATH, TalentgraphGraphQL
    from tasks import jobmetrics
    from tasks import sweeper as sweeping
    from tasks.worker import start_embedded, stop_embedded

    settings = settings or Settings.from_env()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )
    count_statements(engine)
    metrics.watch_pool(engine, settings.db_pool_size)
    jobmetrics.install(dramatiq.get_broker())  # the embedded worker's jobs
    session_factory = make_session_factory(engine)
    rate_limiter: MemoryRateLimiter | RedisRateLimiter = (
        RedisRateLimiter(settings.redis_url) if settings.redis_url else MemoryRateLimiter()
    )
    schema = build_schema(settings)
    graphql = TalentgraphGraphQL(
        schema,
        settings=settings,
        session_factory=session_factory,
        rate_limiter=rate_limiter,
    )
    head = migrate.head_revision()

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        """Ready when the database is reachable and migrated. The broker and Redis are
        reported (with the queue depths) but do not make the process unready: without them
        the API still serves reads and keeps new jobs in the database."""
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            current = await migrate.current_revision(engine)
        except Exception:  # any database failure means not ready
            logger.warning("readiness check failed", exc_info=True)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        if current != head:
            body = {"status": "unavailable", "migrations": {"current": current, "head": head}}
            return JSONResponse(body, 503)
        report = await dependencies(settings)
        ok = "unreachable" not in (report["broker"], report.get("redis"))
        status = "ok" if ok else "degraded"
        return JSONResponse({"status": status, "database": "ok", "migration": current, **report})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tune_gc(settings.gc_gen0_threshold)
        # The stub broker's queues live in this process, so this process also works them off.
        app.state.worker = start_embedded(settings)
        restart = group_restart()
        if app.state.worker is not None and restart.requeues:
            # in-memory queues died with the last processes: jobs left unfinished go again
            await requeue_unfinished(session_factory, restart.before)
            await requeue_documents(session_factory, restart.before)
            await requeue_evaluations(session_factory, restart.before)
            await requeue_notifications(session_factory, restart.before)
        # the embedded worker's jobs are swept here; scale-out workers sweep themselves
        sweeper = sweeping.start(session_factory) if app.state.worker is not None else None
        # other processes' document changes, for this process's subscriptions
        relay = (
            asyncio.create_task(events.relay(settings.redis_url)) if (settings.redis_url) else None
        )
        # in-memory broker: reminders and email re-sends run here, in the first process
        # (with Redis or RabbitMQ, `server.py scheduler` runs them)
        scheduler = (
            asyncio.create_task(reminders.run_forever(session_factory, settings))
            if app.state.worker is not None and restart.requeues
            else None
        )
        try:
            yield
        finally:
            try:
                for task in (relay, scheduler):
                    if task is not None:
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
                await sweeping.stop(sweeper)
                await stop_embedded(app.state.worker)
                app.state.worker = None
            finally:
                await close_app(app)

    routes: list[Any] = [
        Route(
            "/graphql",
            graphql,
            methods=["GET", "POST"],
            max_body_size=settings.max_body_bytes,
        ),
        WebSocketRoute("/graphql", graphql),
        Route("/documents/{document_id}/file", download, methods=["GET"]),
        Route("/interviews/{interview_id}/calendar.ics", calendar_file, methods=["GET"]),
        Route("/notifications/unsubscribe", unsubscribe, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint(settings, session_factory), methods=["GET"]),
    ]
    if graphql.offline_ide is not None:
        routes.append(Mount(GRAPHIQL_ASSETS_PATH, StaticFiles(directory=settings.graphiql_dir)))
    middleware = [
        Middleware(KeepAliveLimit, max_requests=settings.keepalive_requests),
        Middleware(RequestContextMiddleware),
        # WebSockets pass through untouched; ranged and already encoded responses too
        Middleware(
            GZipMiddleware,
            minimum_size=GZIP_MINIMUM_BYTES,
            compresslevel=GZIP_LEVEL,
            exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, *GZIP_EXCLUDED_TYPES),
        ),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
            )
        )
    if settings.otel_endpoint:
        from schema.tracing import tracing_middleware

        middleware.insert(0, tracing_middleware(engine, settings.otel_endpoint))
    middleware.append(Middleware(UnexpectedErrors))  # innermost: the others still add headers
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.rate_limiter = rate_limiter
    app.state.schema = schema
    app.state.external_idp = graphql.external
    app.state.worker = None  # the embedded task worker, while the lifespan runs
    return app


async def close_app(app: Starlette) -> None:
    """Release what `create_app` opened: the connection pool and the Redis client."""
    from models.metrics import release_pool
    from resolvers.ratelimit import RedisRateLimiter

    await app.state.engine.dispose()
    release_pool(app.state.engine)
    if isinstance(app.state.rate_limiter, RedisRateLimiter):
        await app.state.rate_limiter.close()


# --- command line -----------------------------------------------------------------------------


def prepare_embedded(settings: Settings) -> None:
    """Create/upgrade the SQLite database and seed the demo on first start."""
    from models import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate.upgrade(settings.database_url)
    if settings.seed_demo:
        asyncio.run(_seed_if_empty(settings))


async def _seed_if_empty(settings: Settings, force: bool = False) -> None:
    from models.db import make_engine, make_session_factory
    from models.demo import database_is_empty, seed_demo

    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        if force or await database_is_empty(factory):
            counts = await seed_demo(factory, settings.demo_password)
            logger.info("seeded demo data: %s", counts)
            print(f"Seeded demo data: {counts}")
        else:
            print("Database already has data; demo not seeded.")
    finally:
        await engine.dispose()


async def _create_user(
    settings: Settings,
    email: str,
    role: str,
    password: str | None,
    organization: str | None,
    external_subject: str | None = None,
) -> str:
    from sqlmodel import col, select

    from models.db import make_engine, make_session_factory
    from models.enums import Role
    from models.organization import Organization, User
    from models.security import hash_password, normalize_email

    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            org_id = None
            if organization:
                org = (
                    await session.exec(
                        select(Organization).where(col(Organization.slug) == organization)
                    )
                ).first()
                if org is None:
                    raise SystemExit(f"no organization with slug {organization!r}")
                org_id = org.id
            user = User(
                email=normalize_email(email),
                password_hash=hash_password(password) if password else None,
                external_subject=external_subject,
                role=Role(role),
                organization_id=org_id,
            )
            session.add(user)
            await session.commit()
            return str(user.id)
    finally:
        await engine.dispose()


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket of our own; SO_REUSEPORT lets every worker bind the same port and
    the kernel spread new connections evenly across them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


GROUP_ENV = "TALENTGRAPH_GROUP"  # "<index>:<start time>" of a process of `serve --workers N`


@dataclass(frozen=True)
class Restart:
    requeues: bool  # this process re-sends the unfinished jobs of the in-memory broker
    before: datetime | None  # only jobs created before the group started


def group_restart() -> Restart:
    """Whether this process re-sends unfinished jobs when it starts.

    The stub broker's queues live in the API processes and die with them, so after a restart
    unfinished import and parse jobs are sent again. In a group of processes only the first one
    does it, and only for jobs created before the group started: the others may already have
    queued new jobs, which must not run twice.
    """
    index, _, started = os.environ.get(GROUP_ENV, "").partition(":")
    if not index:
        return Restart(requeues=True, before=None)
    return Restart(requeues=index == "0", before=datetime.fromisoformat(started))


def uvicorn_config(
    app: Any, log_level: str, access_log: bool, forwarded_allow_ips: str, factory: bool = True
) -> Any:
    """uvicorn's settings: `X-Forwarded-For` is believed only from `FORWARDED_ALLOW_IPS`.

    uvicorn itself trusts loopback by default, so anything on the same host (a sidecar,
    another tenant's process) could claim any client address and dodge per-address limits.
    """
    import uvicorn

    del access_log  # our access log is written by `RequestContextMiddleware` (`_serve_one`)
    return uvicorn.Config(
        app,
        factory=factory,
        log_level=log_level,
        log_config=None,  # our handlers (`configure_logging`): JSON in production
        access_log=False,  # written by `RequestContextMiddleware`, with the request id
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or [],
    )


def _serve_one(
    host: str,
    port: int,
    log_level: str,
    access_log: bool,
    forwarded_allow_ips: str = "",
    shares: tuple[Any, int] | None = None,
) -> None:
    """One API process; in a group, `shares` is the group's array of connection counts and
    this process's slot in it (`schema.keepalive.ConnectionShares`)."""
    import uvicorn

    from schema import keepalive

    configure_logging(log_level, Settings.from_env().production)
    # a spawned process starts with default logging: configure it here, in each one
    logging.getLogger("talentgraph.access").disabled = not access_log
    config = uvicorn_config("server:create_app", log_level, access_log, forwarded_allow_ips)
    server = uvicorn.Server(config)
    if shares is not None:
        slots, index = shares
        live = server.server_state.connections
        keepalive.SHARES = keepalive.ConnectionShares(live, slots, index)
    server.run(sockets=[_bind(host, port)])


def serve(
    host: str,
    port: int,
    workers: int,
    log_level: str,
    access_log: bool = True,
    forwarded_allow_ips: str = "",
) -> int:
    """Run `workers` API processes on one port.

    uvicorn's own `--workers` shares one listening socket, and whichever process wakes first
    accepts a whole burst of connections; keep-alive clients then stay on it while the others
    idle. Separate SO_REUSEPORT sockets let the kernel spread connections instead, and the
    processes share their connection counts, so that one holding more than its share hands
    connections back (`schema.keepalive`). A worker that dies stops the whole group, so the
    process manager restarts it cleanly.
    """
    if workers <= 1:
        _serve_one(host, port, log_level, access_log, forwarded_allow_ips)
        return 0
    spawn = multiprocessing.get_context("spawn")
    slots = spawn.Array("i", workers, lock=False)  # each process's live connections
    processes = [
        spawn.Process(
            target=_serve_one,
            args=(host, port, log_level, access_log, forwarded_allow_ips, (slots, index)),
        )
        for index in range(workers)
    ]
    started = datetime.now(UTC).isoformat()
    for index, process in enumerate(processes):
        os.environ[GROUP_ENV] = f"{index}:{started}"  # a spawned process copies the environment
        process.start()
    os.environ.pop(GROUP_ENV, None)

    def stop(*_: Any) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(process.is_alive() for process in processes):
        processes[0].join(timeout=0.5)
    stop()
    for process in processes:
        process.join(timeout=15)
        if process.pid is not None:
            _forget_metrics_of(process.pid)
    return max(abs(process.exitcode or 0) for process in processes)


def prepare_metrics_dir(settings: Settings) -> Path:
    """Set up `PROMETHEUS_MULTIPROC_DIR` (default `DATA_DIR/prometheus`), emptied, for this
    process and the ones it starts: each writes its samples there and `/metrics` adds them up.

    It must happen before `prometheus_client` is imported, which decides on import where
    samples go; so this module imports nothing that imports it.
    """
    import shutil

    path = Path(os.environ.get(MULTIPROC_ENV) or settings.data_dir / METRICS_DIR_NAME)
    if path.is_dir():
        for entry in path.glob("*.db"):  # the files of the last run (their counts are gone)
            entry.unlink()
    else:
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(path)
    return path


def _forget_metrics_of(pid: int) -> None:
    """Drop a stopped process's live gauges (running jobs, pool connections)."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


async def run_scheduler(settings: Settings) -> None:
    from models.db import make_engine, make_session_factory
    from resolvers.notifications import reminders

    engine = make_engine(settings.database_url)
    try:
        await reminders.run_forever(make_session_factory(engine), settings)
    finally:
        await engine.dispose()


def run_workers(
    settings: Settings,
    processes: int | None,
    threads: int | None,
    metrics_port: int | None = None,
    metrics_host: str = "127.0.0.1",
    metrics_dir: Path | None = None,
) -> int:
    """Replace this process with dramatiq's worker CLI on `tasks.worker` (same environment).

    Only for a shared broker: the stub broker's queues live inside each API process, whose
    embedded worker already serves them. With a metrics port (`--metrics-port`, else
    `WORKER_METRICS_PORT`) one process of the worker serves its processes' metrics there.
    """
    if not settings.broker_url.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
        print(
            "BROKER_URL must point at Redis or RabbitMQ to run separate workers; with the "
            "default in-memory broker `serve` runs the jobs itself.",
            file=sys.stderr,
        )
        return 2
    from tasks import jobmetrics

    try:
        port = jobmetrics.exposition_port(metrics_port)
        if port is not None:
            folder = metrics_dir or settings.data_dir / jobmetrics.DIR_NAME
            jobmetrics.expose_worker_metrics(port, metrics_host, folder)
    except (ValueError, OSError) as exc:
        print(f"worker metrics: {exc}", file=sys.stderr)
        return 2
    # logging is set up by `tasks.worker` in each worker process, in the API's format
    command = [
        sys.executable, "-m", "dramatiq", "tasks.worker", "--path", str(ROOT), "--skip-logging",
    ]  # fmt: skip
    if processes is not None:
        command += ["--processes", str(processes)]
    if threads is not None:
        command += ["--threads", str(threads)]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, command)  # noqa: S606 - fixed argv, no shell


def parse_cv_command(path: Path) -> int:
    """Print the structured CV as JSON; non-zero exit with the reason when it cannot be read."""
    from tasks.cv import cli_json, has_pdf_magic, parse_pdf

    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        print(f"parse-cv: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    if not has_pdf_magic(head):
        print(f"parse-cv: {path} is not a PDF", file=sys.stderr)
        return 1
    outcome = parse_pdf(path)
    print(json.dumps(cli_json(outcome), ensure_ascii=False, indent=2))
    if outcome.status == "FAILED":
        print(f"parse-cv: {path} could not be parsed: {outcome.reason}", file=sys.stderr)
        return 1
    if outcome.status == "NEEDS_OCR":
        print(f"parse-cv: {outcome.reason}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="server.py", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve_cmd = commands.add_parser("serve", help="run the API server (default command)")
    serve_cmd.add_argument("--host", help="listen address (default $HOST or 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="listen port (default $PORT or 8000)")
    serve_cmd.add_argument(
        "--workers", type=int, help="API processes (default $WEB_CONCURRENCY or 1)"
    )
    serve_cmd.add_argument("--no-access-log", action="store_true", help="do not log every request")
    commands.add_parser("migrate", help="apply database migrations up to head")
    seed = commands.add_parser("seed-demo", help="load the demo data set")
    seed.add_argument("--force", action="store_true", help="seed even if data exists")
    user = commands.add_parser("create-user", help="create an admin, recruiter or partner")
    user.add_argument("--email", required=True, help="the user's sign-in email (any case)")
    user.add_argument(
        "--role",
        required=True,
        choices=["ADMIN", "RECRUITER", "PARTNER"],
        help="what the user may do (candidates sign up themselves with `register`)",
    )
    user.add_argument("--organization", help="organization slug (recruiters, partners)")
    user.add_argument("--password", help="prompted for when omitted")
    user.add_argument(
        "--external-subject",
        help="`sub` of the user's tokens from the external identity provider (OIDC_*); "
        "such users need no password",
    )
    worker = commands.add_parser(
        "worker", help="run background job workers (needs BROKER_URL: Redis or RabbitMQ)"
    )
    worker.add_argument("--processes", type=int, help="worker processes (default: one per CPU)")
    worker.add_argument("--threads", type=int, help="threads per worker process (default 8)")
    worker.add_argument(
        "--metrics-port",
        type=int,
        help="serve the workers' metrics on GET /metrics at this port, bearer rule as the "
        "API's (default $WORKER_METRICS_PORT, else not served)",
    )
    worker.add_argument(
        "--metrics-host", default="127.0.0.1", help="metrics listen address (default 127.0.0.1)"
    )
    worker.add_argument(
        "--metrics-dir",
        type=Path,
        help="where the worker processes keep their metric samples, emptied at start "
        "(default DATA_DIR/prometheus-worker)",
    )
    commands.add_parser(
        "scheduler",
        help="create due reminders and re-send stale emails every minute (one process wins "
        "a PostgreSQL advisory lock per round; the embedded server runs it itself)",
    )
    commands.add_parser(
        "sweeper",
        help="re-send stuck jobs and unsent messages every 2 s (workers on Redis or RabbitMQ "
        "already do this; one process leads on PostgreSQL)",
    )
    parse_cv = commands.add_parser(
        "parse-cv", help="extract a CV's profile from a PDF (sandboxed) and print it as JSON"
    )
    parse_cv.add_argument("file", type=Path, metavar="FILE.pdf", help="the CV to read")
    args = parser.parse_args(argv)
    if args.command == "parse-cv":
        return parse_cv_command(args.file)
    settings = Settings.from_env(signs_tokens=args.command != "worker")
    configure_logging(settings.log_level, settings.production)
    command = args.command or "serve"
    if command == "migrate":
        from models import migrate

        migrate.upgrade(settings.database_url)
        print(f"Database at revision {migrate.head_revision()}")
    elif command == "seed-demo":
        asyncio.run(_seed_if_empty(settings, force=args.force))
    elif command == "create-user":
        password = args.password
        if password is None and args.external_subject is None:
            password = getpass.getpass("Password: ")
        user_id = asyncio.run(
            _create_user(
                settings,
                args.email,
                args.role,
                password,
                args.organization,
                args.external_subject,
            )
        )
        print(f"Created {args.role} {args.email} ({user_id})")
    elif command == "worker":
        return run_workers(
            settings,
            args.processes,
            args.threads,
            args.metrics_port,
            args.metrics_host,
            args.metrics_dir,
        )
    elif command == "scheduler":
        if not settings.broker_url.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
            print(
                "BROKER_URL must point at Redis or RabbitMQ to run a separate scheduler; with "
                "the default in-memory broker `serve` runs it itself.",
                file=sys.stderr,
            )
            return 2
        asyncio.run(run_scheduler(settings))
    elif command == "sweeper":
        from tasks import runtime
        from tasks import sweeper as sweeping

        runtime.configure(settings)
        asyncio.run(sweeping.main())
    else:
        prepare_metrics_dir(settings)
        if settings.is_sqlite:
            prepare_embedded(settings)
        host = getattr(args, "host", None) or settings.host
        port = getattr(args, "port", None) or settings.port
        workers = getattr(args, "workers", None) or settings.workers
        print(f"Talentgraph on http://{host}:{port}/graphql ({workers} process(es))")
        access_log = not getattr(args, "no_access_log", False)
        return serve(
            host, port, workers, settings.log_level, access_log, settings.forwarded_allow_ips
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
