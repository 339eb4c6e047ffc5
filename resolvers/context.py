"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loaders.policy import Viewer
from loaders.registry import Loaders, LoaderSet
from models.db import SessionFactory
from models.settings import Settings


@dataclass
class Context:
    request: Any
    response: Any
    settings: Settings
    session_factory: SessionFactory
    viewer: Viewer
    loaders: Loaders
    request_id: str
    client_ip: str | None = None
    rate_limiter: Any = None
    # a WebSocket's `connection_init` payload (it carries the Authorization of subscriptions)
    connection_params: Any = None
    # fields' selections as strawberry converts them, by field nodes (`schema.prefetch`)
    selections: dict[tuple[int, ...], Any] = field(default_factory=dict)

    def loaders_at(self, info: Any, *, parent: bool = False) -> LoaderSet:
        """The loaders of the field being resolved, or of its parent object (see `Loaders`).

        Sibling fields that resolve synchronously from the same object (such as the contact
        fields of a candidate) share their parent's set, so they share one batch.
        """
        return self.loaders.at(response_path(info, parent=parent))


def response_path(info: Any, *, parent: bool = False) -> tuple[str, ...]:
    """The field's response path (aliases as the client wrote them), list indices left out."""
    return path_keys(info.path.prev if parent else info.path)


def path_keys(path: Any) -> tuple[str, ...]:
    """The response keys of a graphql-core `Path`, list indices left out."""
    keys: list[str] = []
    while path is not None:
        if isinstance(path.key, str):
            keys.append(path.key)
        path = path.prev
    keys.reverse()
    return tuple(keys)
