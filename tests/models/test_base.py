"""Ids drawn in blocks are still random version 4 UUIDs."""

from __future__ import annotations

import os

from models.base import new_id


def test_new_ids_are_distinct_version_4_uuids() -> None:
    # given / when: more ids than one block of random bytes holds
    ids = [new_id() for _ in range(1_000)]

    # then
    assert len(set(ids)) == 1_000
    assert {i.version for i in ids} == {4}
    assert {i.variant for i in ids} == {"specified in RFC 4122"}


def test_a_forked_process_draws_its_own_ids() -> None:
    # given: this process holds unused ids
    new_id()
    read, write = os.pipe()

    # when: a child forked now takes its next id
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.write(write, new_id().bytes)
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 16)
    os.close(read)
    os.close(write)

    # then: the parent's next id is not the one the child took
    assert new_id().bytes != child
