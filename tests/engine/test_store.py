"""The store: round trips, WAL/foreign keys, the location library, migrations with a backup."""

from __future__ import annotations

import sqlite3

import pytest

from genstudio.errors import GenStudioError, NotFoundError
from genstudio.models import (
    Approval,
    DialogueLine,
    Job,
    JobState,
    LocationImage,
    Project,
    Scene,
    StepName,
    StepState,
    StepStatus,
    Take,
)
from genstudio.store import Store, migrations


def _project(store: Store, title: str = "Night Shift") -> Project:
    return store.save_project(Project(title=title, folder=f"{title.lower()}-x"))


def test_pragmas_are_wal_and_foreign_keys(store: Store) -> None:
    db = store.database.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.schema_version()


def test_scene_round_trip_keeps_every_field(store: Store) -> None:
    project = _project(store)
    scene = Scene(
        number=1,
        beats=["She opens the door.", "Rain. Ünïcödé ✓ 雨"],
        dialogue=[
            DialogueLine(
                character="MAYA",
                line="¿Quién anda ahí?",
                emotion="scared",
                delivery="whispering",
                start=0.5,
            )
        ],
        approval=Approval.CHANGES_REQUESTED,
        approval_note="darker, please",
        locked=True,
    )
    store.save_scene(project.id, scene)
    assert store.list_scenes(project.id) == [scene]


def test_replace_scenes_orders_and_deletes(store: Store) -> None:
    project = _project(store)
    a, b, c = (Scene(number=i) for i in (1, 2, 3))
    store.replace_scenes(project.id, [a, b, c])
    b.number, c.number = 1, 2
    store.replace_scenes(project.id, [b, c])
    assert [s.id for s in store.list_scenes(project.id)] == [b.id, c.id]


def test_deleting_a_project_cascades(store: Store) -> None:
    project = _project(store)
    scene = store.save_scene(project.id, Scene(number=1))
    store.save_take(Take(scene_id=scene.id))
    store.delete_project(project.id)
    with pytest.raises(NotFoundError):
        store.get_scene(scene.id)
    assert store.list_takes(scene.id) == []


def test_take_needs_an_existing_scene(store: Store) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        store.save_take(Take(scene_id="nope"))


def test_steps_default_to_pending_and_persist(store: Store) -> None:
    project = _project(store)
    steps = store.get_steps(project.id)
    assert [s.status for s in steps.values()] == [StepStatus.PENDING] * len(steps)
    store.save_step(
        project.id,
        StepState(
            step=StepName.PLAN_PRODUCTION, status=StepStatus.COMPLETED, percent=100, detail="ok"
        ),
    )
    assert store.get_steps(project.id)[StepName.PLAN_PRODUCTION].status is StepStatus.COMPLETED


def test_location_library_is_unique_and_counts_use(store: Store) -> None:
    first = store.add_location_image(LocationImage(slug="diner", time_of_day="night", path="a.png"))
    again = store.add_location_image(LocationImage(slug="diner", time_of_day="night", path="b.png"))
    assert again.path == first.path == "a.png"  # the first one stored wins
    store.add_location_image(LocationImage(slug="diner", time_of_day="day", path="c.png"))
    store.use_location_image(first)
    used = store.use_location_image(first)
    assert used.usage_count == 2
    assert len(store.list_location_images()) == 2


def test_find_project_by_title_id_prefix_and_ambiguity(store: Store) -> None:
    p1 = _project(store, "Alpha")
    _project(store, "Beta")
    assert store.find_project("alpha").id == p1.id
    assert store.find_project(p1.id[:6]).id == p1.id
    with pytest.raises(NotFoundError, match="no project"):
        store.find_project("gamma")


def test_jobs_filter_by_state(store: Store) -> None:
    project = _project(store)
    done = store.save_job(
        Job(project_id=project.id, kind="video", provider="builtin", state=JobState.DONE)
    )
    store.save_job(Job(project_id=project.id, kind="image", provider="builtin"))
    assert [j.id for j in store.list_jobs(project.id, [JobState.DONE])] == [done.id]


def test_data_survives_reopen(workspace) -> None:
    store = Store(workspace.db_path)
    project = _project(store)
    store.close()
    reopened = Store(workspace.db_path)
    try:
        assert reopened.get_project(project.id).title == "Night Shift"
        assert reopened.database.integrity_ok()
    finally:
        reopened.close()


def test_migration_backs_up_then_upgrades(workspace, monkeypatch) -> None:
    store = Store(workspace.db_path)
    project = _project(store)
    store.close()

    def v2(db) -> None:
        db.execute_sql("ALTER TABLE project_row ADD COLUMN note TEXT DEFAULT ''")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, v2)
    upgraded = Store(workspace.db_path)
    try:
        backup = upgraded.database.backup_path
        assert backup is not None and backup.is_file()
        assert upgraded.get_project(project.id).title == "Night Shift"
        cols = [r[1] for r in upgraded.database.db.execute_sql("PRAGMA table_info(project_row)")]
        assert "note" in cols
    finally:
        upgraded.close()
    with sqlite3.connect(backup) as old:  # the backup is the untouched v1 database
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        assert old.execute("SELECT title FROM project_row").fetchone()[0] == "Night Shift"


def test_failed_migration_leaves_the_database_at_its_version(workspace, monkeypatch) -> None:
    Store(workspace.db_path).close()

    def broken(db) -> None:
        db.execute_sql("ALTER TABLE project_row ADD COLUMN x TEXT")
        raise RuntimeError("boom")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError):
        Store(workspace.db_path)
    monkeypatch.delitem(migrations.MIGRATIONS, 2)
    store = Store(workspace.db_path)
    try:
        cols = [r[1] for r in store.database.db.execute_sql("PRAGMA table_info(project_row)")]
        assert "x" not in cols  # rolled back with the failed step
    finally:
        store.close()


def test_newer_database_is_refused(workspace) -> None:
    Store(workspace.db_path).close()
    with sqlite3.connect(workspace.db_path) as con:
        con.execute("PRAGMA user_version = 99")
    with pytest.raises(GenStudioError, match="newer"):
        Store(workspace.db_path)


def test_garbage_file_is_a_clear_error(tmp_path) -> None:
    bad = tmp_path / "genstudio.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(GenStudioError, match=r"genstudio\.db"):
        Store(bad)
