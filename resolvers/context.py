"""The per-request context every resolver receives as `info.context`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from loaders.policy import Viewer
from loaders.registry import Loaders
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
