"""`genstudio demo` as a newcomer runs it: a real film with subtitles and a poster, offline.

One demo run (about a minute on 2 cores) is shared by the assertions below.
"""

from __future__ import annotations

import numpy as np
import pytest

from genstudio.cli import main
from genstudio.models import ImageSource
from genstudio.store import Store
from genstudio.workspace import Workspace
from tests.engine.probe_util import decoded_duration, streams_and_duration


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("demo")
    out = root / "film.mp4"
    code = main(["--workspace", str(root / "ws"), "demo", "--out", str(out)])
    return {"code": code, "out": out, "ws": root / "ws"}


@pytest.fixture(scope="module")
def demo_store(demo):
    ws = Workspace.open(demo["ws"])
    store = Store(ws.db_path)
    yield ws, store
    store.close()


def test_demo_exits_zero_and_writes_the_film(demo) -> None:
    assert demo["code"] == 0
    info = streams_and_duration(demo["out"])
    assert info["video"] == ["h264"] and info["audio"] == ["aac"]


def test_film_duration_is_scenes_minus_crossfades(demo, demo_store) -> None:
    _ws, store = demo_store
    project = store.list_projects()[0]
    scenes = store.list_scenes(project.id)
    assert len(scenes) >= 6
    assert sum(1 for s in scenes if s.continues_from) >= 2
    assert sum(1 for s in scenes if s.dialogue) >= 4
    crossfades = sum(
        1 for i, s in enumerate(scenes[1:], start=1) if s.continues_from != scenes[i - 1].id
    )
    expected = sum(s.duration for s in scenes) - 0.5 * crossfades
    assert abs(decoded_duration(demo["out"]) - expected) <= 0.5


def test_subtitles_match_the_dialogue(demo, demo_store) -> None:
    from genstudio.media.subtitles import parse_srt

    _, store = demo_store
    project = store.list_projects()[0]
    lines = [d.line for s in store.list_scenes(project.id) for d in s.dialogue]
    srt = demo["out"].with_suffix(".srt")
    cues = parse_srt(srt.read_text(encoding="utf-8"))
    assert len(cues) == len(lines)
    for cue, line in zip(cues, lines, strict=True):
        assert " ".join(cue.text.split()).endswith(" ".join(line.split())) or " ".join(
            line.split()
        ) in " ".join(cue.text.split())
    starts = [c.start for c in cues]
    assert starts == sorted(starts)


def test_poster_is_an_image(demo, demo_store) -> None:
    from genstudio.media.images import load_image

    ws, store = demo_store
    project = store.list_projects()[0]
    poster = ws.project_dir(project.folder) / "final" / "poster.jpg"
    image = load_image(poster)
    assert image.shape[0] > 100 and image.mean() > 10  # not a black frame


def test_continuations_start_on_the_real_last_frame(demo, demo_store) -> None:
    from genstudio.media.frames import last_frame
    from genstudio.media.images import load_image

    ws, store = demo_store
    project = store.list_projects()[0]
    base = ws.project_dir(project.folder)
    scenes = store.list_scenes(project.id)
    by_id = {s.id: s for s in scenes}
    checked = 0
    for scene in scenes:
        if not scene.continues_from:
            continue
        take = store.get_take(scene.selected_take_id)
        previous = store.get_take(by_id[scene.continues_from].selected_take_id)
        assert take.reference_source is ImageSource.PREVIOUS_FRAME
        reference = load_image(base / take.reference_image)
        real_last = last_frame(base / previous.clip)
        assert np.array_equal(reference, real_last)
        checked += 1
    assert checked >= 2


def test_every_step_completed(demo, demo_store) -> None:
    _, store = demo_store
    project = store.list_projects()[0]
    assert project.status.value == "completed"
    assert all(s.status.value == "completed" for s in store.get_steps(project.id).values())


def test_missing_screenplay_is_a_clear_error(tmp_path, capsys) -> None:
    code = main(["--workspace", str(tmp_path / "ws"), "import", str(tmp_path / "nope.fountain")])
    err = capsys.readouterr().err
    assert code == 2 and "nope.fountain" in err


def test_binary_garbage_screenplay_is_refused_and_nothing_is_saved(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.fountain"
    bad.write_bytes(bytes(range(256)) * 40)
    code = main(["--workspace", str(tmp_path / "ws"), "import", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "bad.fountain" in err
    main(["--workspace", str(tmp_path / "ws"), "status"])
    assert "No projects yet" in capsys.readouterr().out


def test_unknown_project_is_named(tmp_path, capsys) -> None:
    code = main(["--workspace", str(tmp_path / "ws"), "generate", "ghost"])
    assert code == 2 and "ghost" in capsys.readouterr().err


def test_workspace_option_also_works_after_the_command(tmp_path, capsys) -> None:
    fountain = tmp_path / "short.fountain"
    fountain.write_text("INT. KITCHEN - DAY\n\nAna pours coffee.\n", encoding="utf-8")
    after = tmp_path / "after"
    assert main(["import", str(fountain), "--title", "Short", "--workspace", str(after)]) == 0
    capsys.readouterr()
    assert main(["status", "--workspace", str(after)]) == 0
    assert "Short" in capsys.readouterr().out
    # given before the command, the sub-command's own (absent) option must not reset it
    assert main(["--workspace", str(after), "status"]) == 0
    assert "Short" in capsys.readouterr().out
