"""How long the cost estimate of issue 13's doubling-fragment document takes, per depth.

`.venv/bin/python bench/query_cost.py` prints one line per depth: the document's size and
the time `schema.cost.estimate` takes to refuse it (best of 5). Before fragments were costed
once, each level doubled the time (20 levels: ~1 s; 23 levels: ~5-9 s on a shared 2-core box).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from schema.api import schema
from schema.cost import TooComplexError, estimate


def doubling_fragments(levels: int) -> str:
    spreads = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)
    )
    return f"query Q {{ ...F0 }} {spreads} fragment F{levels - 1} on Query {{ __typename }}"


def seconds(levels: int) -> float:
    document = parse(doubling_fragments(levels))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        try:
            estimate(schema._schema, operation, fragments, {}, max_cost=50_000, max_fields=250)
        except TooComplexError:
            pass
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    for levels in (16, 20, 23, 30, 100, 240):
        size = len(doubling_fragments(levels))
        print(f"levels={levels:4d} bytes={size:6d} estimate={seconds(levels) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
