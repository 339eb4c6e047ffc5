"""The import rule of DESIGN.md section 2, checked on every import statement (also those
inside functions, so the rule cannot be dodged by hiding an import):

    server -> schema -> resolvers -> loaders -> models

`tasks` holds the broker, the actors and the pure code they run. Pure packages (`tasks/cv`,
`tasks/evaluation`) and the broker plumbing import only `models`; resolvers send messages
through `tasks.broker` by the names in `tasks.names` and may call the pure packages; an actor
module (listed in `tasks.worker.ACTOR_MODULES`) may import the resolver function that is its
job body, and so may `tasks.sweeper`, the loop that runs the sweeper's pass. Nothing imports
an actor module but the worker.
"""

from __future__ import annotations

import ast
from pathlib import Path

from models.settings import ROOT
from tasks.worker import ACTOR_MODULES

LAYERS = ("models", "loaders", "resolvers", "schema", "server")
ACTORS = frozenset(ACTOR_MODULES)
LOOPS = frozenset({"tasks.sweeper"})  # run a resolver's job body outside any message


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in (*LAYERS, "tasks")}


def _allowed(importer: str, imported: str) -> bool:
    top, target = importer.split(".")[0], imported.split(".")[0]
    if imported in ACTORS or any(imported.startswith(f"{a}.") for a in ACTORS):
        return importer == "tasks.worker" or (importer in ACTORS and imported == importer)
    if top == "tasks":
        if importer in ACTORS or importer in LOOPS:
            return target in ("tasks", "models", "resolvers")
        return target in ("tasks", "models")
    if target == "tasks":
        # resolvers (and above) send by name and call the pure code, never an actor
        return LAYERS.index(top) >= LAYERS.index("resolvers")
    return LAYERS.index(target) <= LAYERS.index(top)


def test_imports_only_go_down_the_layers():
    # given
    sources = [ROOT / "server.py"] + [
        path
        for package in (*LAYERS[:-1], "tasks")
        for path in sorted((ROOT / package).rglob("*.py"))
    ]
    # when
    wrong = sorted(
        f"{_module(path)} imports {name}"
        for path in sources
        for name in _imports(path)
        if not _allowed(_module(path), name)
    )
    # then
    assert wrong == []


def test_the_rule_refuses_upward_and_actor_imports():
    # given / when / then: the checker itself says no to each kind of wrong edge
    assert not _allowed("models.candidate", "loaders.base")
    assert not _allowed("loaders.policy", "resolvers.errors")
    assert not _allowed("resolvers.jobs", "schema.types.job")
    assert not _allowed("tasks.cv.runner", "resolvers.documents.process")
    assert not _allowed("tasks.broker", "resolvers.errors")
    assert not _allowed("resolvers.documents.upload", "tasks.documents")
    assert _allowed("tasks.documents", "resolvers.documents.process")
    assert _allowed("resolvers.documents.process", "tasks.cv")
    assert _allowed("tasks.worker", "tasks.evaluations")
