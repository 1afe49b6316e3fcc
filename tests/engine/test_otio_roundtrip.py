"""An editor's cut comes back: re-importing an edited .otio changes the scene order and the
takes' in/out points, GenStudio then renders the editor's cut, and trims that break a
continuation seam are called out."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from pydantic import ValidationError

from genstudio.errors import InputFileError
from genstudio.export.otio_export import NAMESPACE
from genstudio.export.otio_import import TrimChange, import_timeline
from genstudio.export.project_timeline import export_project, project_cut
from genstudio.models import Take
from genstudio.pipeline.assemble_only import assemble_project
from tests.engine.assembly_inputs import decoded_video_seconds
from tests.engine.handoff_project import SceneSpec, make_project
from tests.engine.test_otio_export import expected_spans, screen_spans

FPS = 24


def shown(clip: otio.schema.Clip) -> tuple[int, int]:
    """Frames of its file the clip shows, dissolves included."""
    visible = clip.visible_range()
    return round(visible.start_time.value), round(visible.end_time_exclusive().value)


def show(clip: otio.schema.Clip, first: int, end: int) -> None:
    """Trim `clip` so it shows frames [first, end) of its file, as an editor would."""
    head, tail = clip.parent().handles_of_child(clip)
    before = round(head.value) if head else 0
    after = round(tail.value) if tail else 0
    clip.source_range = otio.opentime.TimeRange(
        otio.opentime.RationalTime(first + before, FPS),
        otio.opentime.RationalTime(end - first - before - after, FPS),
    )


def swap(track: otio.schema.Track, i: int, j: int) -> None:
    """Exchange the clips at picture positions i and j; each keeps the frames it showed."""
    clips = list(track.find_clips())
    a, b = clips[i], clips[j]
    shown_a, shown_b = shown(a), shown(b)
    a.name, b.name = b.name, a.name
    ref_a, ref_b = a.media_reference.deepcopy(), b.media_reference.deepcopy()
    a.media_reference, b.media_reference = ref_b, ref_a
    facts_a, facts_b = dict(a.metadata[NAMESPACE]), dict(b.metadata[NAMESPACE])
    a.metadata[NAMESPACE], b.metadata[NAMESPACE] = facts_b, facts_a
    show(a, *shown_b)
    show(b, *shown_a)


async def _exported(store, workspace, made, tmp_path) -> tuple[Path, otio.schema.Timeline]:
    done = await export_project(store, workspace, made.project.id, out_dir=tmp_path / "handoff")
    path = done.files["otio"]
    return path, otio.adapters.read_from_file(str(path))


def _write(timeline: otio.schema.Timeline, path: Path) -> Path:
    otio.adapters.write_to_file(timeline, str(path))
    return path


SPECS = [
    SceneSpec(1.5),
    SceneSpec(1.5, continues=True),
    SceneSpec(1.0, clip_seconds=2.0),  # the provider gave more than the scene planned
    SceneSpec(1.25),
]


@pytest.mark.asyncio
async def test_an_untouched_timeline_changes_nothing(store, workspace, tmp_path) -> None:
    made = make_project(store, workspace, SPECS)
    path, timeline = await _exported(store, workspace, made, tmp_path)
    result = await import_timeline(store, workspace, made.project.id, path)
    assert not result.changed and result.warnings == [] and result.unmatched == []
    # the FCP 7 XML the editor may send back instead: matched by the take in its logging info
    xml = path.with_suffix(".xml")
    result = await import_timeline(store, workspace, made.project.id, xml)
    assert not result.changed and result.unmatched == []
    # no GenStudio metadata at all (another tool rewrote the file): matched by file name
    for clip in timeline.find_clips():
        del clip.metadata[NAMESPACE]
    bare = _write(timeline, tmp_path / "bare.otio")
    result = await import_timeline(store, workspace, made.project.id, bare)
    assert not result.changed and result.unmatched == []


@pytest.mark.asyncio
async def test_reorder_and_trim_come_back_and_the_film_follows_the_edit(
    store, workspace, tmp_path
) -> None:
    made = make_project(store, workspace, SPECS)
    _, timeline = await _exported(store, workspace, made, tmp_path)
    track = timeline.video_tracks()[0]
    swap(track, 2, 3)  # scene 4 before scene 3
    scene_3 = list(track.find_clips())[3]
    assert shown(scene_3) == (0, 24)
    show(scene_3, 6, 36)  # drop its first 0.25 s, and use 0.5 s past the planned end
    edited = _write(timeline, tmp_path / "edited.otio")

    result = await import_timeline(store, workspace, made.project.id, edited)
    assert result.reordered and result.order == [1, 2, 4, 3]
    assert result.trims == [TrimChange(4, made.takes[2].id, (0.0, 1.0), (0.25, 1.5))]
    assert result.warnings == [] and result.selected == []
    scenes = store.list_scenes(made.project.id)
    assert [s.id for s in scenes] == [made.scenes[i].id for i in (0, 1, 3, 2)]
    assert [s.number for s in scenes] == [1, 2, 3, 4]
    take = store.get_take(made.takes[2].id)
    assert (take.trim_in, take.trim_out) == (0.25, 1.5)

    # GenStudio's cut now is the editor's cut, frame for frame...
    cut = await project_cut(store, workspace, made.project.id)
    assert expected_spans(cut.timeline) == screen_spans(timeline, FPS)
    # ...a second import of the same file has nothing left to do...
    again = await import_timeline(store, workspace, made.project.id, edited)
    assert not again.changed
    # ...and the film rendered from it lasts as long as the editor's timeline
    outcome = await assemble_project(store, workspace, made.project.id)
    assert outcome.film is not None
    assert decoded_video_seconds(outcome.film) == pytest.approx(
        timeline.duration().to_seconds(), abs=1.01 / FPS
    )


@pytest.mark.asyncio
async def test_trims_that_break_a_continuation_seam_are_kept_with_a_warning(
    store, workspace, tmp_path
) -> None:
    made = make_project(store, workspace, SPECS)
    _, timeline = await _exported(store, workspace, made, tmp_path)
    first, second = list(timeline.video_tracks()[0].find_clips())[:2]
    show(first, 0, 30)  # scene 1 now ends 0.25 s before its last frame
    show(second, 6, 36)  # and scene 2 starts 0.25 s into its clip
    edited = _write(timeline, tmp_path / "seam.otio")
    result = await import_timeline(store, workspace, made.project.id, edited)
    assert len(result.warnings) == 2, result.warnings
    ends_early, starts_late = result.warnings
    assert "scene 2 continues from the last frame of scene 1" in ends_early
    assert "ends scene 1 at 1.25 s of its 1.50 s clip" in ends_early
    assert "scene 2 starts on the last frame of scene 1" in starts_late
    assert "starts it 0.25 s into its clip" in starts_late
    # the editor's decision stands
    assert store.get_take(made.takes[0].id).trim_out == 1.25
    assert store.get_take(made.takes[1].id).trim_in == 0.25


@pytest.mark.asyncio
async def test_moving_a_continuation_away_from_its_predecessor_warns(
    store, workspace, tmp_path
) -> None:
    made = make_project(store, workspace, SPECS)
    _, timeline = await _exported(store, workspace, made, tmp_path)
    swap(timeline.video_tracks()[0], 1, 2)  # scene 3 between scene 1 and its continuation
    result = await import_timeline(
        store, workspace, made.project.id, _write(timeline, tmp_path / "moved.otio")
    )
    assert result.order == [1, 3, 2, 4]
    assert any("no longer follows the scene it continued from" in w for w in result.warnings)
    moved = store.get_scene(made.scenes[1].id)
    assert moved.number == 3 and moved.continues_from is None


@pytest.mark.asyncio
async def test_foreign_and_repeated_clips_are_reported_and_dry_run_saves_nothing(
    store, workspace, tmp_path
) -> None:
    made = make_project(store, workspace, SPECS)
    _, timeline = await _exported(store, workspace, made, tmp_path)
    track = timeline.video_tracks()[0]
    clips = list(track.find_clips())
    foreign = clips[0].deepcopy()
    del foreign.metadata[NAMESPACE]
    foreign.name = "B-roll"
    foreign.media_reference = otio.schema.ExternalReference(
        target_url=(tmp_path / "broll.mov").as_uri()
    )
    track.append(foreign)
    track.append(clips[3].deepcopy())  # scene 4 used twice
    show(clips[3], 0, 24)  # and trimmed at its first use
    result = await import_timeline(
        store,
        workspace,
        made.project.id,
        _write(timeline, tmp_path / "extra.otio"),
        dry_run=True,
    )
    assert result.unmatched == ["'B-roll' (broll.mov)"]
    assert any("scene 4 is used more than once" in w for w in result.warnings)
    assert [t.scene_number for t in result.trims] == [4]
    assert store.get_take(made.takes[3].id).trim_out is None  # dry run: nothing saved


@pytest.mark.asyncio
async def test_unreadable_timelines_name_the_file(store, workspace, tmp_path) -> None:
    made = make_project(store, workspace, SPECS[:1])
    garbage = tmp_path / "cut.otio"
    garbage.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"cut\.otio: OpenTimelineIO cannot read it"):
        await import_timeline(store, workspace, made.project.id, garbage)
    edl = tmp_path / "cut.edl"
    edl.write_text("TITLE: x\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="an EDL cannot say which take"):
        await import_timeline(store, workspace, made.project.id, edl)


@pytest.mark.asyncio
async def test_in_and_out_points_shape_the_film(store, workspace) -> None:
    """What `build_timeline` makes of a trimmed take: the clip from its in to its out point,
    crossfades shortened to fit a short clip, and the voiced line moved with the picture."""
    made = make_project(
        store,
        workspace,
        [SceneSpec(1.5), SceneSpec(1.0, clip_seconds=2.0, line="Hello"), SceneSpec(1.5)],
    )
    take = store.get_take(made.takes[1].id)
    store.save_take(Take.model_validate({**take.model_dump(), "trim_in": 0.1, "trim_out": 0.7}))
    timeline = (await project_cut(store, workspace, made.project.id)).timeline
    clip = timeline.clips[1]
    assert clip.source_in == 0.1 and clip.duration == pytest.approx(0.6)
    # 0.5 s crossfades cannot both fit a 0.6 s clip: each takes half of it
    assert timeline.transition_in(1).duration == pytest.approx(0.3)
    assert timeline.transition_in(2).duration == pytest.approx(0.3)
    # the line starts 0.2 s into the clip, which now is 0.1 s after the scene's start
    assert timeline.dialogue[0].start == pytest.approx(timeline.clip_start(1) + 0.1, abs=1e-3)
    with pytest.raises(ValidationError, match="must come after its in point"):
        Take(scene_id="x", trim_in=1.0, trim_out=0.5)
