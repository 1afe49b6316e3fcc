"""`genstudio export`, `genstudio import-timeline` and `genstudio conform` as a user runs them."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from genstudio.cli import main
from tests.engine.handoff_project import SceneSpec, make_project
from tests.engine.media_factory import make_clip
from tests.engine.test_otio_roundtrip import show


@pytest.fixture
def made(store, workspace):
    return make_project(
        store,
        workspace,
        [SceneSpec(1.5), SceneSpec(1.0, clip_seconds=2.0), SceneSpec(1.0, rendered=False)],
        title="Night Shift",
    )


def _run(workspace, *args: str) -> int:
    return main(["--workspace", str(workspace.root), *args])


def test_export_then_import_an_edit(made, store, workspace, tmp_path, capsys) -> None:
    out = tmp_path / "handoff"
    assert _run(workspace, "export", "night shift", "--out", str(out)) == 0
    printed = capsys.readouterr().out
    assert "2 clips, 2.00 s" in printed
    for name in ("night-shift.otio", "night-shift.xml", "night-shift.edl"):
        assert (out / name).is_file() and f"Wrote {out / name}" in printed

    only = tmp_path / "edl-only"
    assert _run(workspace, "export", "night shift", "--format", "edl", "--out", str(only)) == 0
    assert [p.name for p in only.iterdir()] == ["night-shift.edl"]

    timeline = otio.adapters.read_from_file(str(out / "night-shift.otio"))
    second = list(timeline.video_tracks()[0].find_clips())[1]
    show(second, 0, 42)  # use 1.75 s of its 2 s clip instead of the planned 1 s
    edited = tmp_path / "edited.otio"
    otio.adapters.write_to_file(timeline, str(edited))

    assert _run(workspace, "import-timeline", "night shift", str(edited), "--dry-run") == 0
    printed = capsys.readouterr().out
    assert "Scene 2: would use 0.00-1.75 s of its clip (was 0.00-1.00)" in printed
    assert store.get_take(made.takes[1].id).trim_out is None
    assert _run(workspace, "import-timeline", "night shift", str(edited)) == 0
    assert "Saved. Run `genstudio assemble`" in capsys.readouterr().out
    assert store.get_take(made.takes[1].id).trim_out == 1.75
    assert _run(workspace, "import-timeline", "night shift", str(edited)) == 0
    assert "Nothing to change" in capsys.readouterr().out


def test_conform_with_and_without_a_project(made, workspace, tmp_path, capsys) -> None:
    folder = tmp_path / "dl"
    folder.mkdir()
    (folder / f"gen_{made.task_ids[1]}.mp4").write_bytes(
        (made.folder / made.takes[1].clip).read_bytes()
    )
    make_clip(folder / "other.mp4", duration=1.0, pattern="smptebars")
    code = _run(
        workspace,
        "conform",
        str(folder),
        "--project",
        "night shift",
        "--out",
        str(tmp_path),
        "--dry-run",
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "Matched 1 of 3 scenes:" in printed
    assert f"scene   2 <- gen_{made.task_ids[1]}.mp4  confidence 0.97: task id" in printed
    assert "Scenes without a clip: 1, 3" in printed
    assert "Clips without a scene: other.mp4" in printed

    film = tmp_path / "film.mp4"
    assert _run(workspace, "conform", str(folder), "--out", str(film), "--transition", "cut") == 0
    printed = capsys.readouterr().out
    assert f"Film:      {film} (3.00 s)" in printed
    assert f"Timeline:  {film.with_suffix('.otio')}" in printed


def test_conform_errors_name_the_folder(workspace, tmp_path, capsys) -> None:
    missing = tmp_path / "nowhere"
    assert _run(workspace, "conform", str(missing), "--out", str(tmp_path / "f.mp4")) == 2
    assert f"genstudio: error: {missing}: is not a folder of clips" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run(workspace, "conform", str(empty), "--out", str(tmp_path / "f.mp4")) == 2
    assert "no playable clip to assemble" in capsys.readouterr().err
