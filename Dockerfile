# Talentgraph API and worker image: the locked runtime dependencies only (no dev tools), run as
# an unprivileged user. One image, two commands: `server.py serve` (default) and `server.py worker`.

FROM python:3.12-slim AS build
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project

FROM python:3.12-slim
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin talentgraph \
    && mkdir -p /data/files \
    && chown -R talentgraph:talentgraph /data
WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY server.py pyproject.toml ./
COPY models ./models
COPY loaders ./loaders
COPY resolvers ./resolvers
COPY schema ./schema
COPY tasks ./tasks
COPY migrations ./migrations
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    STORAGE_DIR=/data/files \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
USER talentgraph
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=2)"]
CMD ["python", "server.py", "serve"]
