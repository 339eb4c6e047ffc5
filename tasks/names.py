"""Actor and queue names: the one place both the senders (resolvers) and the actors read them.

Resolvers send by name (`tasks.broker.send`) so that they never import an actor module.
"""

from __future__ import annotations

from typing import NamedTuple


class Route(NamedTuple):
    actor: str
    queue: str


PARSE_DOCUMENT = Route("parse_document", "documents")
RUN_IMPORT = Route("run_import", "imports")
RUN_EVALUATION = Route("run_evaluation", "evaluations")
SEND_NOTIFICATIONS = Route("send_notifications", "notifications")
