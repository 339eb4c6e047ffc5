"""graphql-transport-ws with the controls HTTP has: every operation is rate limited, runs with
fresh per-operation loaders, and first re-checks the connection's sign-in.

A socket authenticates once, in `connection_init`; without the checks here an expired token, a
sign-out, a deactivated account or a changed role would never reach an open socket. Before each
`subscribe` the token is verified again and the user read again: an expired or revoked sign-in
closes the socket with 4401, a deactivated account or a changed role or organization with 4403
(the client reconnects and signs in again). A rate-limited operation gets the typed
`RATE_LIMITED` error HTTP gives (as a graphql-transport-ws `error` message) and never runs.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from contextlib import suppress
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    SubscribeMessage,
)
from strawberry.utils.aio import aclosing

from loaders.policy import Viewer
from loaders.registry import Loaders
from models.organization import User
from models.settings import Settings
from resolvers.auth import LEEWAY_SECONDS, authenticate, decode_access_token
from resolvers.context import Context
from resolvers.errors import AuthenticationError
from resolvers.ratelimit import request_limit, retry_after_header

UNAUTHENTICATED = 4401  # the sign-in expired or was revoked: sign in again
FORBIDDEN = 4403  # the account was deactivated, or its role or organization changed


def seconds_left(settings: Settings, header: str) -> float | None:
    """How long our own access token in `header` stays valid (None: not ours, or no expiry)."""
    _, _, token = header.partition(" ")
    try:
        claims = decode_access_token(settings, token.strip())
    except AuthenticationError:
        return None
    return max(0.0, float(claims["exp"]) + LEEWAY_SECONDS - time.time())


def authorization_of(context: Context) -> str | None:
    """The `Authorization` value of the socket's `connection_init` payload, if any."""
    params = context.connection_params if isinstance(context.connection_params, dict) else {}
    header = params.get("Authorization") or params.get("authorization")
    return None if header is None else str(header)


class TransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, with the per-operation checks above."""

    context: Context
    expiry_task: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Authenticate from the payload's `Authorization` (an invalid or expired token closes
        the socket with 4401, like a sign-in that ends later); after the ack, a signed-in socket
        is closed (4401) when its access token expires, even while it only receives events."""
        payload = message.get("payload")
        header = (
            payload.get("Authorization") or payload.get("authorization")
            if isinstance(payload, dict)
            else None
        )
        if header is not None and not self.connection_init_received:
            view: Any = self.view
            try:
                viewer = await authenticate(
                    view.settings, view.session_factory, str(header), view.external
                )
            except AuthenticationError:
                self.connection_init_received = True
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self._close(UNAUTHENTICATED)
                return
            self.context.viewer = viewer
            self.context.loaders = Loaders(view.session_factory, viewer)
        await super().handle_connection_init(message)
        if not self.connection_acknowledged or header is None or self.expiry_task is not None:
            return
        seconds = seconds_left(self.context.settings, str(header))
        if seconds is not None:
            self.expiry_task = asyncio.create_task(self._close_at_expiry(seconds))

    async def _close_at_expiry(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        with suppress(Exception):  # the socket may be gone already
            await self._close(UNAUTHENTICATED)

    async def shutdown(self) -> None:
        if self.expiry_task is not None:
            self.expiry_task.cancel()
            with suppress(asyncio.CancelledError):
                await self.expiry_task
        await super().shutdown()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message.get("id") not in self.operations:
            viewer = await self._current_viewer()
            if viewer is None:
                return  # the socket is closed
            if await self._rate_limited(message["id"], viewer):
                return
            self.context.viewer = viewer
        await super().handle_subscribe(message)

    async def _current_viewer(self) -> Viewer | None:
        """The connection's viewer as the database says now; closes the socket if it changed."""
        signed_in = self.context.viewer
        header = authorization_of(self.context)
        if header is None or signed_in.user_id is None:
            return signed_in
        view: Any = self.view
        try:
            viewer = await authenticate(view.settings, view.session_factory, header, view.external)
        except AuthenticationError:
            async with view.session_factory() as session:
                user = await session.get(User, signed_in.user_id)
            active = user is not None and user.is_active
            await self._close(UNAUTHENTICATED if active else FORBIDDEN)
            return None
        if (viewer.user_id, viewer.role, viewer.organization_id) != (
            signed_in.user_id,
            signed_in.role,
            signed_in.organization_id,
        ):
            await self._close(FORBIDDEN)
            return None
        return viewer

    async def _close(self, code: int) -> None:
        reason = "Sign in again" if code == UNAUTHENTICATED else "Forbidden"
        await self.websocket.close(code=code, reason=reason)

    async def _rate_limited(self, operation_id: str, viewer: Viewer) -> bool:
        """Count the operation against the budget an HTTP request of this client uses."""
        limiter = self.context.rate_limiter
        if limiter is None:
            return False
        key, limit = request_limit(self.context.settings, viewer, self.context.client_ip)
        wait = await limiter.hit(key, limit)
        if wait is None:
            return False
        seconds = int(retry_after_header(wait))
        await self.send_message(
            {
                "id": operation_id,
                "type": "error",
                "payload": [
                    {
                        "message": "Too many requests; try again later",
                        "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": seconds},
                    }
                ],
            }
        )
        return True

    def _operation_context(self) -> Context:
        """Each operation its own loaders (a socket lives long; cached rows would go stale)."""
        view: Any = self.view
        viewer = self.context.viewer
        return dataclasses.replace(self.context, loaders=Loaders(view.session_factory, viewer))

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """strawberry's `run_operation`, with a per-operation context."""
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=self._operation_context(),
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise
