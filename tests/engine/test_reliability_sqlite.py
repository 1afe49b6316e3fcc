"""RELIABILITY.md T8: SIGKILL a process mid-commit, 30 times; no acknowledged edit is lost and
the database is never damaged (kill -9 is not power loss: that needs LazyFS, not here)."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time

import pytest

from genstudio.models import Project, Scene
from genstudio.store import Store
from tests.engine.crash_harness import ROOT

KILLS = int(os.environ.get("GENSTUDIO_SQLITE_KILLS", "30"))


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_kill9_never_loses_an_acknowledged_commit(tmp_path) -> None:
    db = tmp_path / "genstudio.db"
    store = Store(db)
    project = store.save_project(Project(title="Durable", folder="durable"))
    scene = store.save_scene(project.id, Scene(number=1))
    store.close()
    rng = random.Random(8)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    acknowledged_total = 0
    for kill in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.engine.sqlite_writer", str(db), project.id, scene.id],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # wait for the first acknowledged commit, then kill at a random moment
        first = proc.stdout.readline()
        assert first.strip().isdigit(), proc.stderr.read()
        time.sleep(rng.uniform(0.05, 0.4))
        proc.kill()
        rest, _ = proc.communicate()
        acked = [int(x) for x in (first + rest).split() if x.isdigit()]
        last_acked = max(acked)
        acknowledged_total += len(acked)
        with sqlite3.connect(db) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", kill
        check = Store(db)
        try:
            saved = check.get_scene(scene.id)
        finally:
            check.close()
        assert int(saved.approval_note) >= last_acked, (kill, saved.approval_note, last_acked)
        assert saved.beats == [f"edit {saved.approval_note}"]  # never half an edit
    assert acknowledged_total > KILLS
    print(f"T8: {KILLS} kills, {acknowledged_total} acknowledged commits, 0 lost")


def test_store_runs_with_the_documented_pragmas(store) -> None:
    db = store.database.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL; ledger uses FULL
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
