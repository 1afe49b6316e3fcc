"""Offline conform: a shuffled, renamed folder of downloaded clips is matched to the right
scenes (sidecar, task id in the name, first frame vs reference image), reported, and
assembled; without a project, clips in name order become a film with its .otio beside it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cv2
import numpy as np
import opentimelineio as otio
import pytest

from genstudio.errors import InputFileError
from genstudio.export.conform import conform_folder, conform_project
from genstudio.export.conform_match import (
    MIN_SIMILARITY,
    FoundClip,
    SceneTarget,
    frame_signature,
    match_clips,
    natural_key,
    read_sidecar,
    similarity,
)
from genstudio.media.ffmpeg import ffmpeg_exe
from genstudio.models import CameraMove
from genstudio.providers.base import VideoRequest
from genstudio.providers.builtin.images import render_still
from genstudio.providers.builtin.video import render_clip
from tests.engine.assembly_inputs import decoded_video_seconds, streams
from tests.engine.handoff_project import SceneSpec, make_project
from tests.engine.media_factory import make_clip, truncate

ASPECT = 1280 / 768


def _download(reference: Path, out: Path, seconds: float, move: CameraMove) -> Path:
    """What a video provider hands back for a start image: its own render of it, at its own
    size, slightly regraded."""
    raw = out.with_name(f".raw-{out.name}")
    render_clip(
        VideoRequest(
            image_path=reference,
            prompt="",
            duration=seconds,
            width=400,
            height=240,
            out_path=raw,
            camera=move,
        )
    )
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(raw),
            "-vf",
            "eq=brightness=0.05:contrast=1.1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            str(out),
        ],
        check=True,
        timeout=60,
    )
    raw.unlink()
    return out


@pytest.mark.asyncio
async def test_a_shuffled_renamed_folder_is_matched_reported_and_assembled(
    store, workspace, tmp_path
) -> None:
    made = make_project(
        store,
        workspace,
        [
            SceneSpec(1.5),
            SceneSpec(1.5),
            SceneSpec(1.5, continues=True),  # starts on scene 2's last frame
            SceneSpec(1.0),
            SceneSpec(1.5, line="Come back in."),
            SceneSpec(1.5),
            SceneSpec(1.5, rendered=False),  # nobody generated this one
        ],
    )
    refs, tasks = made.references, made.task_ids
    folder = tmp_path / "Downloads"
    folder.mkdir()
    moves = [CameraMove.PULL_OUT, CameraMove.PAN_RIGHT, CameraMove.TILT_DOWN, CameraMove.PUSH_IN]
    names = {
        1: f"runway_{tasks[0]}.mp4",  # the provider's task id in the name
        2: "download (3).mp4",  # a sidecar says which scene
        3: "download.mp4",  # nothing but its picture
        4: "clip (1).mp4",  # a sidecar with the task id
        5: "Untitled.mp4",  # picture; its sidecar is broken
        6: "kling_video_final.mp4",  # picture, and longer than the scene
    }
    for number, name in reversed(names.items()):
        seconds = 2.0 if number == 6 else made.scenes[number - 1].duration
        _download(refs[number - 1], folder / name, seconds, moves[number % len(moves)])
    (folder / "download (3).mp4.json").write_text(json.dumps({"scene": 2}))
    (folder / "clip (1).json").write_text(json.dumps({"task_id": tasks[3], "model": "kling"}))
    (folder / "Untitled.mp4.json").write_text("{oops", encoding="utf-8")
    make_clip(folder / "bloopers.mp4", duration=1.5, pattern="testsrc2")
    truncate(folder / "Untitled.mp4", 0.5, folder / "download (4).mp4")
    (folder / "notes.txt").write_text("not a clip")

    report = await conform_project(
        store, workspace, made.project.id, folder, tmp_path / "out" / "film.mp4", dry_run=True
    )
    assert {m.scene_number: m.clip.path.name for m in report.matches} == names
    by_scene = {m.scene_number: m for m in report.matches}
    assert by_scene[1].confidence == 0.97 and "task id" in by_scene[1].evidence[0]
    assert by_scene[2].confidence == 0.99 and "sidecar says scene 2" in by_scene[2].evidence
    assert by_scene[4].confidence == 0.99 and "sidecar task id" in by_scene[4].evidence[0]
    for number in (3, 5, 6):  # recognised by picture alone, clearly
        assert by_scene[number].evidence[0].startswith("first frame vs reference image r=")
        assert by_scene[number].confidence >= 0.8, by_scene[number]
    assert report.scenes_without_clip == [7]
    assert report.clips_without_scene == [folder / "bloopers.mp4"]
    assert [r.path.name for r in report.rejected] == ["download (4).mp4"]
    assert "truncated" in report.rejected[0].reason
    assert any("Untitled.mp4.json" in w and "not readable JSON" in w for w in report.warnings)
    assert report.film is None  # a dry run assembles nothing

    out = tmp_path / "out" / "film.mp4"
    result = await conform_project(store, workspace, made.project.id, folder, out)
    assert result.film is not None and result.film.path == out
    # scenes 1-6 at their planned lengths; scene 3 continues scene 2 (a cut), four crossfades
    expected = 1.5 * 5 + 1.0 - 4 * 0.5
    assert decoded_video_seconds(out) == pytest.approx(expected, abs=1.01 / 24)
    info = streams(out)
    assert info["size"] == [("1280", "768")] and info["audio"] == ["aac"]
    assert result.film.srt_path is not None and "Come back in." in result.film.srt_path.read_text()
    timeline = otio.adapters.read_from_file(str(result.timeline_file))
    assert result.timeline_file == out.with_suffix(".otio")
    used = [
        Path(otio.url_utils.filepath_from_url(c.media_reference.target_url)).name
        for c in timeline.video_tracks()[0].find_clips()
    ]
    assert used == [names[n] for n in range(1, 7)]
    assert timeline.duration().to_seconds() == pytest.approx(expected, abs=0.5 / 24)


def test_no_project_folder_becomes_a_film_in_natural_name_order(tmp_path) -> None:
    folder = tmp_path / "clips"
    make_clip(folder / "clip10.mp4", duration=1.0, pattern="smptebars")
    make_clip(folder / "clip2.mp4", duration=1.5, width=256, height=144, fps=30, audio=True)
    make_clip(folder / "clip1.mp4", duration=1.0, audio=True)
    truncate(folder / "clip1.mp4", 0.4, folder / "clip3.mp4")
    out = folder / "film.mp4"  # beside the clips: never taken for one of them

    result = conform_folder(folder, out)
    assert [m.clip.path.name for m in result.matches] == ["clip1.mp4", "clip2.mp4", "clip10.mp4"]
    assert [r.path.name for r in result.rejected] == ["clip3.mp4"]
    assert result.film is not None
    expected = 1.0 + 1.5 + 1.0 - 2 * 0.5
    assert decoded_video_seconds(out) == pytest.approx(expected, abs=1.01 / 24)
    assert streams(out)["size"] == [("320", "192")]  # the first clip's size
    timeline = otio.adapters.read_from_file(str(out.with_suffix(".otio")))
    clips = list(timeline.video_tracks()[0].find_clips())
    assert [c.name for c in clips] == ["clip1.mp4", "clip2.mp4", "clip10.mp4"]
    assert timeline.duration().to_seconds() == pytest.approx(expected, abs=0.5 / 24)
    assert [t.name for t in timeline.audio_tracks()] == ["Scene sound"]  # clips 1 and 2 speak

    # again, with cuts: the first film, now in the folder, is not taken for a clip
    again = conform_folder(folder, tmp_path / "cut.mp4", transition="cut")
    assert [m.clip.path.name for m in again.matches] == ["clip1.mp4", "clip2.mp4", "clip10.mp4"]
    assert any(w.startswith("film.mp4: left out, a film made by conform") for w in again.warnings)
    assert decoded_video_seconds(tmp_path / "cut.mp4") == pytest.approx(3.5, abs=1.01 / 24)


def test_a_folder_that_is_not_there_is_named(tmp_path) -> None:
    with pytest.raises(InputFileError, match="missing: is not a folder of clips"):
        conform_folder(tmp_path / "missing", tmp_path / "film.mp4")


# ---- the picture signature -------------------------------------------------------------------


def _regrade(image: np.ndarray) -> np.ndarray:
    return np.clip(image.astype(np.float32) * [0.85, 0.95, 1.15] + 20, 0, 255).astype(np.uint8)


def _shift(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    h, w = image.shape[:2]
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(image, m, (w, h), borderMode=cv2.BORDER_REFLECT)


def _zoom(image: np.ndarray, factor: float) -> np.ndarray:
    h, w = image.shape[:2]
    ch, cw = int(h / factor), int(w / factor)
    top, left = (h - ch) // 2, (w - cw) // 2
    return cv2.resize(image[top : top + ch, left : left + cw], (w, h))


def _jpeg(image: np.ndarray) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 25])[1], 1)


PROMPTS = [
    "a kitchen at night, a coffee pot and a wall clock",
    "a wooden porch in cold wind",
    "a wheat field at noon under a wide sky",
    "a city street in rain with neon signs",
    "a forest lake at dawn with fog",
    "a desert road under stars",
]


def test_the_same_picture_survives_what_a_provider_does_to_it_and_others_do_not_match() -> None:
    stills = [render_still(p, 640, 384, seed=i) for i, p in enumerate(PROMPTS)]
    refs = [frame_signature(s, ASPECT) for s in stills]
    for i, still in enumerate(stills):
        small = cv2.resize(still, (320, 192), interpolation=cv2.INTER_AREA)
        for changed in (_regrade(small), _jpeg(small), _shift(small, 6, 4), _zoom(small, 1.05)):
            mine = similarity(frame_signature(changed, ASPECT), refs[i])
            others = [
                similarity(frame_signature(changed, ASPECT), r)
                for j, r in enumerate(refs)
                if j != i
            ]
            assert mine >= 0.8, (PROMPTS[i], mine)
            assert max(others) < MIN_SIMILARITY, (PROMPTS[i], others)
    # a 16:9 frame of the same picture (the provider cropped it differently) still matches
    wide = cv2.resize(stills[0], (640, 360))
    assert similarity(frame_signature(wide, ASPECT), refs[0]) > 0.7
    assert frame_signature(np.full((48, 64, 3), 90, np.uint8)) is None  # flat: no evidence


def test_natural_order_and_sidecars(tmp_path) -> None:
    names = ["clip10.mp4", "Clip2.mp4", "clip1.mp4", "clip2 (1).mp4", "a.mp4"]
    assert sorted(names, key=natural_key) == [
        "a.mp4",
        "clip1.mp4",
        "Clip2.mp4",
        "clip2 (1).mp4",
        "clip10.mp4",
    ]
    clip = tmp_path / "x.mp4"
    (tmp_path / "x.json").write_text('\ufeff{"scene_number": 4, "request_id": "ab-12"}')
    assert read_sidecar(clip) == ({"scene": "4", "task": "ab-12"}, None)
    (tmp_path / "x.mp4.json").write_text("[1, 2]")  # beside the full name: preferred
    facts, warning = read_sidecar(clip)
    assert facts == {} and warning is not None and "x.mp4.json: expected a JSON object" in warning


def _found(name: str, seconds: float, signature=None, sidecar=None) -> FoundClip:
    return FoundClip(Path(name), seconds, 320, 192, 24.0, False, signature, sidecar or {})


def test_assignment_uses_each_clip_once_and_respects_what_sidecars_rule_out() -> None:
    pictures = [frame_signature(render_still(p, 320, 192, seed=i)) for i, p in enumerate(PROMPTS)]
    scenes = [
        SceneTarget("a", 1, 2.0, signature=pictures[0]),
        SceneTarget("b", 2, 2.0, signature=pictures[1]),
        SceneTarget("c", 3, 3.0),  # no reference image: only its length can tell
        SceneTarget("d", 4, 5.0),  # no reference, and no clip of its length
    ]
    clips = [
        # looks like scene 1, but its sidecar says scene 2: the sidecar wins, scene 1 is
        # ruled out for it, and the next clip that looks like scene 1 takes scene 1
        _found("one.mp4", 2.0, pictures[0], {"scene": "2"}),
        _found("two.mp4", 2.0, pictures[0]),
        _found("three.mp4", 3.1),
        _found("four.mp4", 2.0, pictures[2]),  # like no scene
    ]
    report = match_clips(scenes, clips)
    got = {m.scene_number: m.clip.path.name for m in report.matches}
    assert got == {1: "two.mp4", 2: "one.mp4", 3: "three.mp4"}
    assert {m.scene_number: m.confidence for m in report.matches}[3] == 0.35
    assert report.scenes_without_clip == [4]
    assert report.clips_without_scene == [Path("four.mp4")]
