"""Atomic writes and workspace folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from genstudio.fsutil import atomic_path, atomic_write_text
from genstudio.workspace import PROJECT_SUBDIRS, Workspace, default_workspace_root, slugify


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "notes.txt"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new content")
    assert target.read_text() == "new content"
    assert [p.name for p in target.parent.iterdir()] == ["notes.txt"]


def test_failure_inside_keeps_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "film.mp4"
    target.write_bytes(b"old film")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half a fi")
        raise RuntimeError("ffmpeg died")
    assert target.read_bytes() == b"old film"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.mp4"]


def test_empty_output_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "x.png"
    with pytest.raises(OSError, match="nothing was written"), atomic_path(target):
        pass
    assert not target.exists()


def test_temp_path_keeps_extension_for_ffmpeg(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "clip.mp4") as tmp:
        assert tmp.suffix == ".mp4" and tmp.parent == tmp_path
        tmp.write_bytes(b"x")


def test_genstudio_home_overrides_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GENSTUDIO_HOME", str(tmp_path / "custom"))
    assert default_workspace_root() == tmp_path / "custom"
    ws = Workspace.open()
    assert ws.root == (tmp_path / "custom").resolve()
    assert ws.library_dir.is_dir()


def test_default_is_user_data_dir(monkeypatch) -> None:
    monkeypatch.delenv("GENSTUDIO_HOME")
    root = default_workspace_root()
    assert "GenStudio" in str(root) and os.environ["XDG_DATA_HOME"] in str(root)


def test_project_folders(workspace: Workspace) -> None:
    base = workspace.create_project_dir("my-film-1234")
    assert sorted(p.name for p in base.iterdir()) == sorted(PROJECT_SUBDIRS)


def test_unwritable_workspace_is_a_clear_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with pytest.raises(Exception, match="file"):
            Workspace.open(blocker / "ws")
    else:  # pragma: no cover - depends on the user
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        with pytest.raises(Exception, match="ro"):
            Workspace.open(ro / "ws")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("El Café de Noche", "el-cafe-de-noche"),
        ("../../etc", "etc"),
        ("", "untitled"),
        ("CON", "con"),
        ("雨", "untitled"),
    ],
)
def test_slugify_is_safe(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_written_files_are_readable_like_normal_files(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "film.srt", "1\n")
    assert target.stat().st_mode & 0o777 == 0o644


def test_leftovers_of_a_killed_run_are_collected_but_nothing_newer(workspace: Workspace) -> None:
    import os
    import time

    base = workspace.create_project_dir("p")
    old_file = base / "clips" / "scene_001.mp4.part"
    old_temp = base / "final" / ".film.abc123.part.mp4"
    pieces = base / "final" / ".film.k_mya76a.part.pieces"  # the assembler's work folder
    (pieces / "nested").mkdir(parents=True)
    (pieces / "piece_0001.mp4").write_bytes(b"x")
    (pieces / "nested" / "audio.m4a").write_bytes(b"x")
    kept = base / "clips" / "scene_001.mp4"
    for path in (old_file, old_temp, kept):
        path.write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    for path in (old_file, old_temp, pieces, kept):
        os.utime(path, (an_hour_ago, an_hour_ago))
    fresh = base / "clips" / "scene_002.mp4.part"  # a live download of this run
    fresh.write_bytes(b"x")

    removed = workspace.collect_partial_files([base], older_than=time.time() - 60)

    assert removed == 3
    assert not old_file.exists() and not old_temp.exists() and not pieces.exists()
    assert kept.exists() and fresh.exists()
