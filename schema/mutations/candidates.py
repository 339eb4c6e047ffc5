"""Mutations of candidates."""

from __future__ import annotations

import strawberry


@strawberry.type
class CandidateMutations:
    pass
