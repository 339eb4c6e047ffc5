"""One-click unsubscribe (RFC 8058): `POST /notifications/unsubscribe?token=...` turns the
email of one event off for the token's user; `GET` shows a confirmation page with a button
(mail scanners follow GET links, so GET changes nothing)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from models.enums import NotificationChannel
from models.organization import User
from resolvers.notifications.mail import (
    TEMPLATES,
    UNSUBSCRIBE_PATH,
    event_label,
    read_unsubscribe_token,
)
from resolvers.notifications.reads import Preference, set_preferences

HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def unsubscribe(request: Request) -> Response:
    app = request.app
    token = request.query_params.get("token", "")[:200]
    found = read_unsubscribe_token(app.state.settings.jwt_secret, token)
    if found is None:
        return HTMLResponse("<p>This unsubscribe link is not valid.</p>", 404, headers=HEADERS)
    user_id, event = found
    factory = app.state.session_factory
    done = request.method == "POST"
    if done:
        async with factory() as session:
            exists = await session.get(User, user_id) is not None
        if exists:
            await set_preferences(
                factory, user_id, [Preference(event, NotificationChannel.EMAIL, enabled=False)]
            )
    page = TEMPLATES.get_template("unsubscribe.html").render(
        done=done, event_label=event_label(event), action=f"{UNSUBSCRIBE_PATH}?token={token}"
    )
    return HTMLResponse(page, headers=HEADERS)
