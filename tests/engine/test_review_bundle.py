"""The review bundle: what is in it, that it works offline, and the reviewer's whole round trip
(the page's own script run in node, its review.json imported, approved scenes locked)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from genstudio.errors import GenStudioError
from genstudio.export.cards import timecode
from genstudio.export.review_bundle import BUNDLE_FORMAT, export_review_bundle
from genstudio.export.review_import import apply_review
from genstudio.media.images import load_image, save_frame
from genstudio.media.probe import probe
from genstudio.models import Approval
from genstudio.storyboard import regenerate
from tests.engine.review_project import make_project, picture

HARNESS = Path(__file__).with_name("review_page_harness.js")
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


def manifest(bundle: Path) -> dict:
    return json.loads((bundle / "scenes.json").read_text(encoding="utf-8"))


def run_page(bundle: Path, actions: list[dict], tmp_path: Path) -> dict:
    steps = tmp_path / "actions.json"
    steps.write_text(json.dumps(actions), encoding="utf-8")
    done = subprocess.run(
        [NODE, str(HARNESS), str(bundle / "index.html"), str(steps)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_bundle_has_sheet_pdf_animatic_and_scene_states(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=3)
    # one picture at the real default size: the card keeps a 640 px wide JPEG of it
    big = workspace.project_dir(project.folder) / "images" / "scene-002.png"
    save_frame(picture(2, 1280, 768), big)
    result = export_review_bundle(store, workspace, project.id, tmp_path / "bundle")
    bundle = result.path
    assert sorted(p.name for p in bundle.iterdir()) == [
        "animatic.mp4",
        "images",
        "index.html",
        "scenes.json",
        "storyboard.pdf",
    ]
    data = manifest(bundle)
    assert data["format"] == BUNDLE_FORMAT and data["project"]["id"] == project.id
    scenes = store.list_scenes(project.id)
    assert [s["id"] for s in data["scenes"]] == [s.id for s in scenes]
    assert all(len(s["content_hash"]) == 64 for s in data["scenes"])
    assert load_image(bundle / data["scenes"][1]["image"]).shape[:2] == (384, 640)
    # the animatic: the film's own cuts (0.5 s crossfades between 1 s scenes), 480 px wide
    info = probe(bundle / "animatic.mp4")
    assert (info.width, info.height, info.codec) == (480, 288, "h264")
    assert info.duration == pytest.approx(2.0, abs=0.05) == result.animatic_seconds
    spans = [(s["animatic_start"], s["animatic_end"]) for s in data["scenes"]]
    assert spans == [(0.0, 1.0), (0.5, 1.5), (1.0, 2.0)]
    # index.html is self-contained: the data inline, nothing fetched from a network
    page = (bundle / "index.html").read_text(encoding="utf-8")
    embedded = re.search(r'id="review-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded) == data
    assert not re.search(r"""(src|href)\s*=\s*["'](https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    for scene in data["scenes"]:
        assert (bundle / scene["image"]).is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_scene_text_cannot_break_out_of_the_page(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=1, clips=False)
    scene = store.list_scenes(project.id)[0]
    scene.beats = ["</script><script>alert(1)</script> <!-- & \u2028 fin"]
    store.save_scene(project.id, scene)
    bundle = export_review_bundle(store, workspace, project.id, tmp_path / "b").path
    page = (bundle / "index.html").read_text(encoding="utf-8")
    assert "alert(1)" in page and "<script>alert" not in page
    embedded = re.search(r'id="review-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded)["scenes"][0]["action"] == scene.beats[0]


def test_zip_bundle_and_replacing_an_earlier_one(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=2, clips=False)
    out = tmp_path / "Noche review.zip"
    result = export_review_bundle(store, workspace, project.id, out)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        assert {"noche-review/index.html", "noche-review/scenes.json"} <= names
        assert "noche-review/storyboard.pdf" in names
        assert archive.getinfo("noche-review/storyboard.pdf").compress_type == zipfile.ZIP_STORED
        assert archive.testzip() is None
    assert result.animatic_seconds is None and result.size_bytes == out.stat().st_size
    # a folder bundle is replaced whole: files of the old export do not linger
    folder = tmp_path / "bundle"
    export_review_bundle(store, workspace, project.id, folder, animatic=False)
    (folder / "images" / "old-scene.jpg").write_bytes(b"x")
    export_review_bundle(store, workspace, project.id, folder, animatic=False)
    assert not (folder / "images" / "old-scene.jpg").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "ws") == [
        "Noche review.zip",
        "bundle",
    ]


def test_refuses_to_fill_a_folder_that_is_not_a_bundle(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=1, clips=False)
    busy = tmp_path / "Documents"
    busy.mkdir()
    (busy / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(GenStudioError, match="not empty and is not a review bundle"):
        export_review_bundle(store, workspace, project.id, busy)
    assert [p.name for p in busy.iterdir()] == ["thesis.docx"]


def test_scenes_without_a_clip_are_on_the_sheet_not_in_the_animatic(
    store, workspace, tmp_path
) -> None:
    project = make_project(store, workspace, scenes=3)
    scene = store.list_scenes(project.id)[1]
    scene.selected_take_id = None
    store.save_scene(project.id, scene)
    result = export_review_bundle(store, workspace, project.id, tmp_path / "b")
    data = manifest(result.path)
    assert [s["animatic_start"] for s in data["scenes"]] == [0.0, None, 0.5]
    assert data["scenes"][1]["image"] is None
    assert result.animatic_seconds == pytest.approx(1.5, abs=0.05)


def test_a_broken_clip_costs_the_animatic_not_the_bundle(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=2)
    take = store.get_take(store.list_scenes(project.id)[1].selected_take_id)
    clip = workspace.project_dir(project.folder) / take.clip
    clip.write_bytes(clip.read_bytes()[:2000])  # truncated
    result = export_review_bundle(store, workspace, project.id, tmp_path / "b")
    assert result.animatic_seconds is None and manifest(result.path)["animatic"] is None
    assert any("no animatic" in w and "scene 2" in w for w in result.warnings)
    assert (result.path / "index.html").is_file() and (result.path / "storyboard.pdf").is_file()


@needs_node
def test_reviewer_round_trip_through_the_page(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=4)
    bundle = export_review_bundle(store, workspace, project.id, tmp_path / "b").path
    ids = [s["id"] for s in manifest(bundle)["scenes"]]
    third_start = manifest(bundle)["scenes"][2]["animatic_start"]
    out = run_page(
        bundle,
        [
            {"do": "reviewer", "name": "Ana Muñoz"},
            {"do": "decide", "scene": ids[0], "decision": "approved"},
            {"do": "decide", "scene": ids[1], "decision": "changes_requested"},
            {"do": "note", "scene": ids[1], "text": "  Más luz en la cara.  "},
            {"do": "seek", "time": third_start + 0.14},
            {"do": "timed", "text": "demasiado oscuro"},
            {"do": "seek", "time": 0.3},
            {"do": "timed", "text": "corte brusco"},
            {"do": "timed", "text": "   "},  # blank: ignored
            {"do": "decide", "scene": ids[3], "decision": "approved"},
            {"do": "decide", "scene": ids[3], "decision": "none"},  # changed their mind
            {"do": "save"},
        ],
        tmp_path,
    )
    assert out["summary"] == "1 approved · 1 changes requested · 2 undecided"
    assert out["pressed"] == {
        ids[0]: ["approved"],
        ids[1]: ["changes_requested"],
        ids[2]: ["none"],
        ids[3]: ["none"],
    }
    assert out["now"].startswith("00:00.3 · scene 1 · INT. COCINA - NOCHE")
    [download] = out["downloads"]
    assert download["name"] == "review.json" and download["type"] == "application/json"
    assert download["revoked"] and not download["attached"]  # the link and URL are cleaned up
    review = json.loads(download["text"])
    assert review["reviewer"] == "Ana Muñoz"
    assert review["scenes"][2]["timed_notes"] == [
        {"time": round(third_start + 0.1, 1), "text": "demasiado oscuro"}
    ]

    report = apply_review(store, project.id, download["text"])
    assert report.approved == [1] and report.changes_requested == [2]
    assert report.commented == [3] and report.undecided == 1 and not report.warnings
    scenes = store.list_scenes(project.id)
    assert (scenes[0].approval, scenes[0].locked) == (Approval.APPROVED, True)
    assert scenes[0].approval_note == "[00:00.3] corte brusco"
    assert (scenes[1].approval, scenes[1].locked) == (Approval.CHANGES_REQUESTED, False)
    assert scenes[1].approval_note == "Más luz en la cara."
    assert scenes[2].approval is Approval.DRAFT
    assert scenes[2].approval_note == f"[{timecode(third_start + 0.1)}] demasiado oscuro"
    # approved scenes are locked against batch regeneration; the others are not
    with pytest.raises(GenStudioError, match="locked"):
        regenerate(store, project.id, scenes[0].id, batch=True)
    regenerate(store, project.id, scenes[1].id, batch=True)


@needs_node
def test_page_keeps_work_across_a_reload_and_warns_on_silent_changes(
    store, workspace, tmp_path
) -> None:
    project = make_project(store, workspace, scenes=2, clips=False)
    bundle = export_review_bundle(store, workspace, project.id, tmp_path / "b").path
    ids = [s["id"] for s in manifest(bundle)["scenes"]]
    out = run_page(
        bundle,
        [
            {"do": "decide", "scene": ids[1], "decision": "changes_requested"},
            {"do": "note", "scene": ids[0], "text": "bien"},
            {"do": "reload"},
            {"do": "save"},
        ],
        tmp_path,
    )
    review = json.loads(out["downloads"][0]["text"])
    assert [s["decision"] for s in review["scenes"]] == ["none", "changes_requested"]
    assert review["scenes"][0]["note"] == "bien"
    assert "1 scene(s) ask for changes without a note" in out["hint"]
    assert out["now"] is None  # no clips: no animatic player, no timed notes


@needs_node
def test_page_and_import_write_the_same_timecodes(store, workspace, tmp_path) -> None:
    project = make_project(store, workspace, scenes=1, clips=False)
    bundle = export_review_bundle(store, workspace, project.id, tmp_path / "b").path
    out = run_page(bundle, [], tmp_path)
    assert out["fmt"] == [timecode(t) for t in (0, 12.5, 59.96, 61.04, 3723.5)]
    assert out["fmt"] == ["00:00.0", "00:12.5", "01:00.0", "01:01.0", "1:02:03.5"]
