"""Mutations of jobs."""

from __future__ import annotations

import strawberry


@strawberry.type
class JobMutations:
    pass
