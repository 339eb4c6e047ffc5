"""An evaluation's outcome: a score, per-criterion results with evidence, and its stored form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

EvidenceSource = Literal["skill", "experience", "education", "certification", "cv", "profile"]
SOURCES: tuple[str, ...] = ("skill", "experience", "education", "certification", "cv", "profile")


@dataclass(frozen=True)
class Evidence:
    """What in the profile a criterion used: the source kind, its entry id (or "cv:<line>")."""

    source: EvidenceSource
    ref: str | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "ref": self.ref, "text": self.text}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        source = str(data["source"])
        if source not in SOURCES:
            raise ValueError(f"unknown evidence source {source!r}")
        ref = data.get("ref")
        return cls(
            cast("EvidenceSource", source), None if ref is None else str(ref), str(data["text"])
        )


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    weight: float
    score: float  # 0-100
    evidence: tuple[Evidence, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "weight": self.weight,
            "score": self.score,
            "evidence": [e.to_json() for e in self.evidence],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Criterion:
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            weight=float(data["weight"]),
            score=float(data["score"]),
            evidence=tuple(Evidence.from_json(e) for e in data.get("evidence") or ()),
            note=str(data.get("note") or ""),
        )


@dataclass(frozen=True)
class EvaluationResult:
    score: float  # 0-100, one decimal
    rationale: str
    matches: tuple[str, ...]
    gaps: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    engine: str
    engine_version: str
    usage: dict[str, int] | None = None
    latency_ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "rationale": self.rationale,
            "matches": list(self.matches),
            "gaps": list(self.gaps),
            "criteria": [c.to_json() for c in self.criteria],
            "engine": self.engine,
            "engine_version": self.engine_version,
            "usage": dict(self.usage) if self.usage is not None else None,
            "latency_ms": self.latency_ms,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EvaluationResult:
        usage = data.get("usage")
        latency = data.get("latency_ms")
        return cls(
            score=float(data["score"]),
            rationale=str(data["rationale"]),
            matches=tuple(str(m) for m in data.get("matches") or ()),
            gaps=tuple(str(g) for g in data.get("gaps") or ()),
            criteria=tuple(Criterion.from_json(c) for c in data.get("criteria") or ()),
            engine=str(data["engine"]),
            engine_version=str(data["engine_version"]),
            usage={str(k): int(v) for k, v in usage.items()} if usage is not None else None,
            latency_ms=float(latency) if latency is not None else None,
        )
