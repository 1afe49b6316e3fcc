"""Editor handoff: the Timeline GenStudio renders, as an OpenTimelineIO timeline, written as
`.otio`, FCP 7 XML (`.xml`, read by Premiere, Resolve and Final Cut Pro 7) and CMX 3600 EDL.

What the editor receives is what the assembler rendered, frame for frame:

- a video track of the selected takes, each an ExternalReference to the clip file (file URI,
  available_range = the file's length) used for `source_range`. A crossfade becomes an
  SMPTE_Dissolve centred on the cut (half of it before, half after), which is exactly the
  assembler's overlap: the outgoing clip's last d seconds blend with the incoming clip's first
  d seconds. Times are whole frames at the film's rate, rounded from film time (not summed
  per clip), so no rounding drift builds up over a long film;
- a "Scene sound" track when clips carry their own sound, dialogue tracks (a line per clip at
  its film time, gaps between; overlapping lines go to a second track) and a music track (the
  bed repeated and cut to the film's length, as the assembler loops it);
- subtitles as markers on the timeline with the cue's duration (FCP XML keeps them as sequence
  markers, which Premiere and Resolve show), plus the same cues as an `.srt` beside the files
  (every editor imports SubRip as a caption track). EDL has no place for them.

Every clip carries `metadata["genstudio"]` = scene id/number, take id, prompt, provider, model
and the provider's task id. FCP XML has no free metadata, so the same facts go into each
clip's `<logginginfo>` (scene, shot/take, description, log note: Premiere's log columns); the
EDL gets them as `* GENSTUDIO …` comment lines.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio

from genstudio import __version__
from genstudio.errors import MediaError
from genstudio.export.otio_formats import ALL_FORMATS, FORMATS, NAMESPACE, write_handoff
from genstudio.media.subtitles import write_srt
from genstudio.models import Scene, Take
from genstudio.timeline import Timeline

__all__ = [  # the formats and the writer live in otio_formats; callers find them here too
    "ALL_FORMATS",
    "FORMATS",
    "NAMESPACE",
    "HandoffFiles",
    "ShotInfo",
    "build_otio",
    "export_timeline",
    "measure_media",
    "shown_frames",
    "write_handoff",
]


@dataclass(frozen=True)
class ShotInfo:
    """What an editor should know about one clip: which scene and take it is, how it was made."""

    scene_id: str
    scene_number: int
    take_id: str
    name: str = ""  # the clip's name on the editor's timeline
    prompt: str = ""
    provider: str = ""
    model: str = ""
    remote_task_id: str = ""

    @classmethod
    def of(cls, scene: Scene, take: Take) -> ShotInfo:
        made = take.clip_provenance
        heading = scene.heading.slug_line()
        return cls(
            scene_id=scene.id,
            scene_number=scene.number,
            take_id=take.id,
            name=f"Scene {scene.label or scene.number}" + (f": {heading}" if heading else ""),
            prompt=(made.prompt if made and made.prompt else scene.visual_prompt),
            provider=made.provider if made else "",
            model=made.model if made else "",
            remote_task_id=made.remote_task_id if made else "",
        )

    def metadata(self) -> dict[str, object]:
        return {
            "scene_id": self.scene_id,
            "scene_number": self.scene_number,
            "take_id": self.take_id,
            "prompt": self.prompt,
            "provider": self.provider,
            "model": self.model,
            "remote_task_id": self.remote_task_id,
        }


@dataclass(frozen=True)
class HandoffFiles:
    """What an export wrote. `files` maps a format name ("otio", "fcpxml", "edl") to its path."""

    files: dict[str, Path] = field(default_factory=dict)
    subtitles: Path | None = None
    clips: int = 0
    duration: float = 0.0  # seconds of film


# ---- time in whole frames --------------------------------------------------------------------


def _time(frames: int, fps: float) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(frames, fps)


def _range(start: int, duration: int, fps: float) -> otio.opentime.TimeRange:
    return otio.opentime.TimeRange(_time(start, fps), _time(duration, fps))


def _frames(seconds: float, fps: float) -> int:
    return round(seconds * fps)


def _reference(path: Path, frames: int, fps: float) -> otio.schema.ExternalReference:
    # as_uri percent-encodes spaces, '#' and non-ASCII; OTIO's url_from_filepath does not
    ref = otio.schema.ExternalReference(
        target_url=path.absolute().as_uri(), available_range=_range(0, frames, fps)
    )
    ref.name = path.name
    return ref


@dataclass(frozen=True)
class _Span:
    """One clip of the video track in frames: `record_in`/`record_out` are its cut points in
    the film, `source_in` the first frame of its file shown at `record_in`; `handle_in` /
    `handle_out` the frames it shows before/after those cuts inside dissolves."""

    record_in: int
    record_out: int
    source_in: int
    handle_in: int
    handle_out: int

    @property
    def shown(self) -> int:
        """Frames of the file on screen, dissolves included (what the assembler reads)."""
        return self.handle_in + self.record_out - self.record_in + self.handle_out


def _spans(timeline: Timeline) -> list[_Span]:
    fps, clips = timeline.fps, timeline.clips
    appear = [_frames(timeline.clip_start(i), fps) for i in range(len(clips))]
    vanish = [_frames(timeline.clip_end(i), fps) for i in range(len(clips))]
    cuts = [0] * (len(clips) + 1)
    befores = [0] * (len(clips) + 1)  # dissolve frames before each cut (incoming clip's handle)
    afters = [0] * (len(clips) + 1)  # dissolve frames after it (outgoing clip's handle)
    cuts[-1] = vanish[-1]
    for i in range(1, len(clips)):
        overlap = max(0, vanish[i - 1] - appear[i])
        if overlap < 2:
            # a dissolve needs a frame on each side of the cut (FCP XML reads a dissolve with
            # nothing before the cut as a fade from black); one frame of blend is invisible
            overlap = 0
        befores[i], afters[i] = overlap // 2, overlap - overlap // 2
        cuts[i] = appear[i] + befores[i]
    return [
        _Span(
            record_in=cuts[i],
            record_out=cuts[i + 1],
            source_in=_frames(clip.source_in, fps) + befores[i],
            handle_in=befores[i],
            handle_out=afters[i + 1],
        )
        for i, clip in enumerate(clips)
    ]


def shown_frames(timeline: Timeline) -> list[tuple[int, int]]:
    """Per clip, the frames of its file on screen as exported: (first, end exclusive), at the
    film's rate, dissolves included. A re-imported edit differs from the export where these
    differ."""
    return [
        (span.source_in - span.handle_in, span.source_in - span.handle_in + span.shown)
        for span in _spans(timeline)
    ]


def _dissolve(before: int, after: int, fps: float, seconds: float) -> otio.schema.Transition:
    """A dissolve showing the incoming clip `before` frames ahead of the cut and the outgoing
    one `after` frames past it."""
    dissolve = otio.schema.Transition(
        name="Cross Dissolve",
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=_time(before, fps),
        out_offset=_time(after, fps),
    )
    dissolve.metadata[NAMESPACE] = {"kind": "crossfade", "duration": seconds}
    return dissolve


# ---- tracks ----------------------------------------------------------------------------------


def _video_track(
    timeline: Timeline,
    spans: list[_Span],
    shots: Mapping[str, ShotInfo],
    media: Mapping[Path, float],
) -> otio.schema.Track:
    fps = timeline.fps
    track = otio.schema.Track(name="Video", kind=otio.schema.TrackKind.Video)
    for i, (clip, span) in enumerate(zip(timeline.clips, spans, strict=True)):
        if i > 0 and span.handle_in + spans[i - 1].handle_out > 0:
            seconds = timeline.transition_in(i).duration
            track.append(_dissolve(span.handle_in, spans[i - 1].handle_out, fps, seconds))
        shot = shots.get(clip.scene_id) or ShotInfo(clip.scene_id, clip.scene_number, clip.take_id)
        file_frames = max(
            _frames(media.get(clip.path, 0.0), fps), span.source_in - span.handle_in + span.shown
        )
        item = otio.schema.Clip(
            name=shot.name or f"Scene {clip.scene_number}",
            media_reference=_reference(clip.path, file_frames, fps),
            source_range=_range(span.source_in, span.record_out - span.record_in, fps),
        )
        item.metadata[NAMESPACE] = shot.metadata()
        track.append(item)
    return track


def _clip_sound_track(timeline: Timeline, spans: list[_Span]) -> otio.schema.Track:
    """The clips' own sound, cut and crossfaded where the picture is (a gap under silent
    clips)."""
    fps = timeline.fps
    track = otio.schema.Track(name="Scene sound", kind=otio.schema.TrackKind.Audio)
    for i, (clip, span) in enumerate(zip(timeline.clips, spans, strict=True)):
        length = span.record_out - span.record_in
        if not clip.has_audio:
            track.append(otio.schema.Gap(source_range=_range(0, length, fps)))
            continue
        if i > 0 and timeline.clips[i - 1].has_audio and span.handle_in:
            seconds = timeline.transition_in(i).duration
            fade = _dissolve(span.handle_in, spans[i - 1].handle_out, fps, seconds)
            fade.name = "Cross Fade (+3dB)"
            track.append(fade)
        item = otio.schema.Clip(
            name=f"Scene {clip.scene_number} sound",
            media_reference=_reference(clip.path, span.source_in + length + span.handle_out, fps),
            source_range=_range(span.source_in, length, fps),
        )
        item.metadata[NAMESPACE] = {"kind": "scene_sound", "scene_id": clip.scene_id}
        track.append(item)
    return track


def _dialogue_tracks(timeline: Timeline) -> list[otio.schema.Track]:
    """Lines in film order; a line that starts before the previous one ends goes to the next
    track, so every line stays where the assembler placed it."""
    fps, film_end = timeline.fps, _frames(timeline.total_duration, timeline.fps)
    lanes: list[tuple[otio.schema.Track, list[int]]] = []  # track and its end frame
    for line in sorted(timeline.dialogue, key=lambda d: d.start):
        start = _frames(line.start, fps)
        length = min(max(1, _frames(line.duration, fps)), film_end - start)
        if length <= 0:
            continue
        lane = next((lane for lane in lanes if lane[1][0] <= start), None)
        if lane is None:
            name = "Dialogue" if not lanes else f"Dialogue {len(lanes) + 1}"
            lane = (otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio), [0])
            lanes.append(lane)
        track, end = lane
        if start > end[0]:
            track.append(otio.schema.Gap(source_range=_range(0, start - end[0], fps)))
        item = otio.schema.Clip(
            name=f"{line.character}: {line.text}"[:80] if line.character else line.text[:80],
            media_reference=_reference(line.path, max(1, _frames(line.duration, fps)), fps),
            source_range=_range(0, length, fps),
        )
        item.metadata[NAMESPACE] = {
            "kind": "dialogue",
            "scene_id": line.scene_id,
            "line_index": line.line_index,
            "character": line.character,
            "text": line.text,
        }
        track.append(item)
        end[0] = start + length
    return [track for track, _ in lanes]


def _music_track(timeline: Timeline, media: Mapping[Path, float]) -> otio.schema.Track:
    """The bed from the film's start to its end, repeated as the assembler loops it."""
    assert timeline.music is not None
    fps, bed = timeline.fps, timeline.music
    film = _frames(timeline.total_duration, fps)
    loop = _frames(media.get(bed.path, 0.0), fps) or film  # unknown length: one piece
    track = otio.schema.Track(name="Music", kind=otio.schema.TrackKind.Audio)
    placed = 0
    while placed < film:
        length = min(loop, film - placed)
        item = otio.schema.Clip(
            name=bed.path.name,
            media_reference=_reference(bed.path, loop, fps),
            source_range=_range(0, length, fps),
        )
        item.metadata[NAMESPACE] = {
            "kind": "music",
            "volume_db": bed.volume_db,
            "duck_db": bed.duck_db,
        }
        track.append(item)
        placed += length
    return track


def _subtitle_markers(timeline: Timeline) -> list[otio.schema.Marker]:
    fps = timeline.fps
    markers = []
    for index, cue in enumerate(timeline.subtitle_cues()):
        start = _frames(cue.start, fps)
        marker = otio.schema.Marker(
            name=" ".join(cue.text.split()),
            marked_range=_range(start, max(1, _frames(cue.end, fps) - start), fps),
            color=otio.schema.MarkerColor.YELLOW,
        )
        marker.metadata[NAMESPACE] = {"kind": "subtitle", "index": index, "text": cue.text}
        markers.append(marker)
    return markers


def build_otio(
    timeline: Timeline,
    *,
    name: str = "GenStudio film",
    shots: Mapping[str, ShotInfo] | None = None,
    media_seconds: Mapping[Path, float] | None = None,
    metadata: Mapping[str, object] | None = None,
) -> otio.schema.Timeline:
    """The OTIO timeline of `timeline`. `shots` (by scene id) name and describe the clips;
    `media_seconds` gives files' real lengths (their available_range; default: what is used)."""
    shots, media = shots or {}, media_seconds or {}
    result = otio.schema.Timeline(name=name, global_start_time=_time(0, timeline.fps))
    result.metadata[NAMESPACE] = {
        "exported_by": f"genstudio {__version__}",
        "fps": timeline.fps,
        "width": timeline.width,
        "height": timeline.height,
        **(metadata or {}),
    }
    spans = _spans(timeline)
    result.tracks.append(_video_track(timeline, spans, shots, media))
    if any(clip.has_audio for clip in timeline.clips):
        result.tracks.append(_clip_sound_track(timeline, spans))
    for track in _dialogue_tracks(timeline):
        result.tracks.append(track)
    if timeline.music is not None:
        result.tracks.append(_music_track(timeline, media))
    for marker in _subtitle_markers(timeline):
        result.tracks.markers.append(marker)
    return result


def measure_media(timeline: Timeline) -> dict[Path, float]:
    """Seconds of each clip and music file, from its header (a missing or unreadable file is
    left out: the export still names it, for the editor to relink)."""
    from genstudio.media.probe import probe

    paths = [clip.path for clip in timeline.clips]
    if timeline.music is not None:
        paths.append(timeline.music.path)
    seconds: dict[Path, float] = {}
    for path in dict.fromkeys(paths):
        with contextlib.suppress(MediaError):
            info = probe(path)
            if info.duration:
                seconds[path] = info.duration
    return seconds


def export_timeline(
    timeline: Timeline,
    out_dir: Path | str,
    *,
    stem: str,
    name: str = "GenStudio film",
    shots: Mapping[str, ShotInfo] | None = None,
    formats: Iterable[str] = ALL_FORMATS,
    metadata: Mapping[str, object] | None = None,
) -> HandoffFiles:
    """Build the OTIO timeline of `timeline` and write it (plus its `.srt` when it has
    dialogue) into `out_dir`. Blocking (reads clip headers): call through `run_blocking`."""
    built = build_otio(
        timeline,
        name=name,
        shots=shots,
        media_seconds=measure_media(timeline),
        metadata=metadata,
    )
    files = write_handoff(built, out_dir, stem=stem, formats=formats)
    cues = timeline.subtitle_cues()
    srt = write_srt(cues, Path(out_dir) / f"{stem}.srt") if cues else None
    return HandoffFiles(files, srt, len(timeline.clips), timeline.total_duration)
