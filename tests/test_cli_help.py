"""The command line answers `--help` at once, explains every option, and `make` honours $PORT."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from models.settings import ROOT

HEAVY = ("strawberry", "sqlalchemy", "sqlmodel", "uvicorn", "dramatiq", "prometheus_client")
# Runs `server.py --help` as `python server.py --help` would, then reports what it imported and
# every option (of every command) that has no help text.
PROBE = """
import argparse, json, runpy, sys
parsers = []
original = argparse.ArgumentParser.__init__
def record(self, *args, **kwargs):
    original(self, *args, **kwargs)
    parsers.append(self)
argparse.ArgumentParser.__init__ = record
sys.argv = ["server.py", "--help"]
try:
    runpy.run_path("server.py", run_name="__main__")
except SystemExit:
    pass
undocumented = [
    f"{parser.prog} {action.dest}"
    for parser in parsers
    for action in parser._actions
    if not action.help and not isinstance(action, argparse._SubParsersAction)
]
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(%r)))
print(json.dumps({"undocumented": undocumented, "heavy": heavy, "parsers": len(parsers)}))
"""


def probe() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE % json.dumps(HEAVY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_help_imports_no_framework():
    # when
    report = probe()
    # then: strawberry, SQLAlchemy and the rest are imported by the commands that use them
    assert report["heavy"] == []


def test_every_option_of_every_command_has_help_text():
    # when
    report = probe()
    # then
    assert report["parsers"] >= 7  # the program and its six commands
    assert report["undocumented"] == []


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_help_and_run_use_port_and_run_installs_no_dev_tools():
    # given
    env = {**os.environ, "PORT": "9123"}
    # when
    shown = subprocess.run(["make", "help"], cwd=ROOT, env=env, capture_output=True, text=True)
    planned = subprocess.run(
        ["make", "-n", "-B", "run"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    # then
    assert "http://127.0.0.1:9123/graphql" in shown.stdout
    assert "--port 9123" in planned.stdout
    syncs = [line for line in planned.stdout.splitlines() if " sync " in line]
    assert syncs and all("--no-dev" in line for line in syncs)
