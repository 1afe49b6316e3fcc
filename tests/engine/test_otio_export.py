"""Editor handoff: a project's cut as .otio, FCP 7 XML and CMX 3600 EDL, read back through
OpenTimelineIO and its adapters, must say what the assembler renders, frame for frame."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from genstudio.errors import GenStudioError
from genstudio.export.otio_export import NAMESPACE, build_otio, shown_frames
from genstudio.export.otio_formats import edl_reels, write_handoff
from genstudio.export.project_timeline import export_project, project_cut
from genstudio.timeline import DialoguePlacement, Timeline, TimelineClip, Transition
from tests.engine.handoff_project import SceneSpec, make_project
from tests.engine.media_factory import make_audio

FPS = 24


def screen_spans(timeline: otio.schema.Timeline, fps: float) -> list[tuple[int, int, int, int]]:
    """Per clip of the picture track: (first film frame it shows, film frame after its last,
    first frame of its file shown, frame after the last), dissolves included; read with
    nothing but OpenTimelineIO's own arithmetic."""
    spans = []
    for clip in timeline.video_tracks()[0].find_clips():
        visible = clip.visible_range()
        handle = clip.trimmed_range().start_time - visible.start_time
        start = clip.range_in_parent().start_time - handle
        end = start + visible.duration
        spans.append(
            tuple(
                round(t.to_seconds() * fps)
                for t in (start, end, visible.start_time, visible.end_time_exclusive())
            )
        )
    return spans


def expected_spans(timeline: Timeline) -> list[tuple[int, int, int, int]]:
    """The same facts from GenStudio's Timeline: what the assembler renders."""
    fps = timeline.fps
    out = []
    for i, clip in enumerate(timeline.clips):
        start, end = round(timeline.clip_start(i) * fps), round(timeline.clip_end(i) * fps)
        first = round(clip.source_in * fps)
        out.append((start, end, first, first + end - start))
    return out


@pytest.fixture
def project(store, workspace):
    return make_project(
        store,
        workspace,
        [
            SceneSpec(1.5),
            SceneSpec(1.5, continues=True, line="Still awake?"),
            SceneSpec(1.0),
            SceneSpec(1.25, line="Come back in."),
        ],
    )


@pytest.mark.asyncio
async def test_project_export_round_trips_through_opentimelineio(
    store, workspace, project, tmp_path
) -> None:
    cut = await project_cut(store, workspace, project.project.id)
    # the music bed the pipeline made for a film this long (1 s: the assembler loops it)
    music = project.folder / f"audio/music-{cut.timeline.total_duration:.2f}s.wav"
    make_audio(music, duration=1.0)
    done = await export_project(store, workspace, project.project.id, out_dir=tmp_path / "handoff")
    assert set(done.files) == {"otio", "fcpxml", "edl"}
    assert all(
        path.is_file() and path.parent == tmp_path / "handoff" for path in done.files.values()
    )
    timeline = (await project_cut(store, workspace, project.project.id)).timeline
    assert timeline.music is not None  # the export found the bed the film was assembled with

    read = otio.adapters.read_from_file(str(done.files["otio"]))
    video = read.video_tracks()[0]
    clips = list(video.find_clips())
    # same clips, same order, same media, same frames as the assembler uses
    assert [c.metadata[NAMESPACE]["scene_number"] for c in clips] == [1, 2, 3, 4]
    assert [
        Path(otio.url_utils.filepath_from_url(c.media_reference.target_url)) for c in clips
    ] == [project.folder / t.clip for t in project.takes]
    assert screen_spans(read, FPS) == expected_spans(timeline)
    assert read.duration().to_seconds() == pytest.approx(timeline.total_duration, abs=0.5 / FPS)
    for clip, take in zip(clips, project.takes, strict=True):
        facts = clip.metadata[NAMESPACE]
        assert facts["take_id"] == take.id
        assert facts["remote_task_id"] == take.clip_provenance.remote_task_id
        assert facts["provider"] == "runway" and facts["model"] == "gen4_turbo"
        assert facts["prompt"] == take.clip_provenance.prompt
        # the file is as long as the clip really is, not just the part used
        assert clip.media_reference.available_range.duration.to_seconds() == pytest.approx(
            take.clip_duration, abs=1 / FPS
        )
    # a continuation is a straight cut; the two other scenes enter through a dissolve
    dissolves = [t for t in video if isinstance(t, otio.schema.Transition)]
    assert [video.index(t) for t in dissolves] == [2, 4]  # before scenes 3 and 4
    for dissolve in dissolves:
        assert dissolve.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
        assert (dissolve.in_offset.value, dissolve.out_offset.value) == (6, 6)  # 0.5 s, centred

    # dialogue: each voiced line at its film time; music from start to end
    tracks = {t.name: t for t in read.audio_tracks()}
    assert set(tracks) == {"Dialogue", "Music"}
    lines = list(tracks["Dialogue"].find_clips())
    assert [c.metadata[NAMESPACE]["text"] for c in lines] == ["Still awake?", "Come back in."]
    for line, placed in zip(lines, timeline.dialogue, strict=True):
        assert line.range_in_parent().start_time.to_seconds() == pytest.approx(
            placed.start, abs=0.5 / FPS
        )
    music_clips = list(tracks["Music"].find_clips())
    assert len(music_clips) == 5  # 4.25 s of film from a 1 s bed
    assert tracks["Music"].duration().to_seconds() == pytest.approx(timeline.total_duration)
    # subtitles: one marker per cue, with its text and duration
    cues = timeline.subtitle_cues()
    markers = list(read.tracks.markers)
    assert [m.metadata[NAMESPACE]["text"] for m in markers] == [c.text for c in cues]
    for marker, cue in zip(markers, cues, strict=True):
        assert marker.marked_range.start_time.to_seconds() == pytest.approx(
            cue.start, abs=0.5 / FPS
        )
        assert marker.marked_range.end_time_exclusive().to_seconds() == pytest.approx(
            cue.end, abs=1 / FPS
        )
    assert done.subtitles is not None and "Still awake?" in done.subtitles.read_text()


@pytest.mark.asyncio
async def test_fcp_xml_and_edl_reread_with_the_same_cut_points(
    store, workspace, project, tmp_path
) -> None:
    done = await export_project(store, workspace, project.project.id, out_dir=tmp_path)
    timeline = (await project_cut(store, workspace, project.project.id)).timeline
    expected = expected_spans(timeline)

    xml = otio.adapters.read_from_file(str(done.files["fcpxml"]))
    assert _within_a_frame(screen_spans(xml, FPS), expected)
    xml_clips = list(xml.video_tracks()[0].find_clips())
    assert [c.name for c in xml_clips] == [
        "Scene 1: INT. KITCHEN - NIGHT",
        "Scene 2: EXT. PORCH - NIGHT",
        "Scene 3: EXT. WHEAT FIELD - DAY",
        "Scene 4: EXT. CITY STREET - NIGHT",
    ]
    for clip, take in zip(xml_clips, project.takes, strict=True):
        logged = clip.metadata["fcp_xml"]["logginginfo"]
        assert logged["shottake"] == take.id
        assert take.clip_provenance.remote_task_id in logged["lognote"]
        assert Path(otio.url_utils.filepath_from_url(clip.media_reference.target_url)).name == (
            Path(take.clip).name
        )
    assert len(xml.tracks.markers) == len(timeline.subtitle_cues())  # sequence markers

    edl = otio.adapters.read_from_file(str(done.files["edl"]), rate=FPS)
    assert _within_a_frame(screen_spans(edl, FPS), expected)
    assert [c.name for c in edl.video_tracks()[0].find_clips()] == [c.name for c in xml_clips]
    text = done.files["edl"].read_text()
    for take in project.takes:
        assert f"TAKE {take.id} TASK {take.clip_provenance.remote_task_id}" in text
    assert text.count(" D 012 ") == 2  # two 12-frame dissolves


def _within_a_frame(got: list[tuple[int, ...]], want: list[tuple[int, ...]]) -> bool:
    return len(got) == len(want) and all(
        abs(a - b) <= 1 for g, w in zip(got, want, strict=True) for a, b in zip(g, w, strict=True)
    )


def _clip(index: int, seconds: float, path: Path, **extra: object) -> TimelineClip:
    return TimelineClip(
        scene_id=f"s{index}",
        scene_number=index + 1,
        take_id=f"t{index}",
        path=path,
        duration=seconds,
        **extra,
    )


def test_frames_do_not_drift_over_a_long_film(tmp_path) -> None:
    """Clip lengths that are not whole frames: every cut is rounded from film time, so after
    40 clips the timeline still ends on the film's last frame (per-clip rounding would not)."""
    lengths = [1.37 + 0.011 * i for i in range(40)]
    clips = [
        _clip(
            i, s, tmp_path / f"c{i}.mp4", transition_in=Transition(kind="crossfade", duration=0.3)
        )
        for i, s in enumerate(lengths)
    ]
    timeline = Timeline(width=320, height=192, fps=30, clips=clips)
    built = build_otio(timeline)
    assert built.duration().value == round(timeline.total_duration * 30)
    assert screen_spans(built, 30) == expected_spans(timeline)
    assert shown_frames(timeline) == [(s[2], s[3]) for s in expected_spans(timeline)]
    dissolves = [t for t in built.tracks[0] if isinstance(t, otio.schema.Transition)]
    assert len(dissolves) == 39
    # 0.3 s at 30 fps; cuts land on whole frames of film time, so a dissolve may gain or lose
    # the frame the rounding of its two ends gives it
    assert all(abs(d.in_offset.value + d.out_offset.value - 9) <= 1 for d in dissolves)
    assert all(abs(d.in_offset.value - d.out_offset.value) <= 1 for d in dissolves)  # centred


def test_clip_sound_and_overlapping_lines_get_their_own_tracks(tmp_path) -> None:
    clips = [
        _clip(0, 2.0, tmp_path / "a.mp4", has_audio=True),
        _clip(
            1,
            2.0,
            tmp_path / "b.mp4",
            has_audio=True,
            transition_in=Transition(kind="crossfade", duration=0.5),
        ),
        _clip(2, 2.0, tmp_path / "c.mp4"),
    ]
    lines = [
        DialoguePlacement(
            scene_id="s0",
            line_index=0,
            path=tmp_path / "l0.wav",
            start=0.2,
            duration=1.0,
            text="One",
            character="A",
        ),
        DialoguePlacement(
            scene_id="s0",
            line_index=1,
            path=tmp_path / "l1.wav",
            start=0.8,
            duration=1.0,
            text="Two",
            character="B",
        ),  # over the first line
    ]
    timeline = Timeline(width=320, height=192, fps=24, clips=clips, dialogue=lines)
    built = build_otio(timeline)
    names = [t.name for t in built.audio_tracks()]
    assert names == ["Scene sound", "Dialogue", "Dialogue 2"]
    sound = built.audio_tracks()[0]
    assert [type(i).__name__ for i in sound] == ["Clip", "Transition", "Clip", "Gap"]
    assert sound.duration() == built.video_tracks()[0].duration()
    files = write_handoff(built, tmp_path / "out", stem="film", formats=["fcpxml"])
    xml = files["fcpxml"].read_text()
    # an audio crossfade, not a picture dissolve, on the sound track
    assert "<mediatype>audio</mediatype>" in xml and "KGAudioTransCrossFade3dB" in xml
    assert len(list(otio.adapters.read_from_file(str(files["fcpxml"])).find_clips())) == 7


def test_unknown_format_or_missing_adapter_is_refused_and_nothing_is_written(
    tmp_path, monkeypatch
) -> None:
    timeline = Timeline(width=320, height=192, clips=[_clip(0, 1.0, tmp_path / "a.mp4")])
    with pytest.raises(GenStudioError, match="unknown export format 'mov'"):
        write_handoff(build_otio(timeline), tmp_path / "out", stem="film", formats=["otio", "mov"])
    # an install without the FCP adapter package says which package the format needs
    monkeypatch.setattr(otio.adapters, "available_adapter_names", lambda: ["otio_json"])
    with pytest.raises(
        GenStudioError, match=r"fcpxml export needs the package\(s\) otio-fcp-adapter"
    ):
        write_handoff(
            build_otio(timeline), tmp_path / "out", stem="film", formats=["otio", "fcpxml"]
        )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_edl_reel_names_stay_unique() -> None:
    assert edl_reels(["download (2).mp4", "download (3).mp4", "download.mp4", "a-b.mov"]) == [
        "DOWNLOAD",
        "DOWNLOA1",
        "DOWNLOA2",
        "AB",
    ]
