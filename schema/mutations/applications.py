"""Mutations of applications."""

from __future__ import annotations

import strawberry


@strawberry.type
class ApplicationMutations:
    pass
