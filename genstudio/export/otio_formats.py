"""Writing an OTIO timeline as files editors open: `.otio`, FCP 7 XML and CMX 3600 EDL.

The `.otio` is written as built. The adapters for the other two need a little help:

- FCP 7 XML has no free metadata, so each clip's GenStudio facts become its `<logginginfo>`
  (scene, shot/take = the take id, description = the prompt, log note = provider, model and
  task id): the log columns Premiere shows. Subtitle markers carry their text as a comment.
  The adapter writes every transition as a video dissolve; on a sound track that becomes
  Premiere's audio crossfade.
- A CMX 3600 EDL holds one picture track, 8-character reel names and comment lines: the copy
  it gets has only the picture, reels unique per file, and a `* GENSTUDIO SCENE n TAKE id TASK
  id` comment per clip. (The EDL writer also shortens clips in place to express dissolves: it
  must never see the caller's timeline.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import opentimelineio as otio

from genstudio.errors import GenStudioError
from genstudio.fsutil import atomic_path

NAMESPACE = "genstudio"  # the metadata key every GenStudio fact lives under
# format name -> (OTIO adapter, file extension)
FORMATS: dict[str, tuple[str, str]] = {
    "otio": ("otio_json", ".otio"),
    "fcpxml": ("fcp_xml", ".xml"),
    "edl": ("cmx_3600", ".edl"),
}
ALL_FORMATS = tuple(FORMATS)
# the OTIO adapter plugins (distributions) the formats beyond .otio come from
ADAPTER_PACKAGES = {"fcpxml": "otio-fcp-adapter", "edl": "otio-cmx3600-adapter"}
EDL_REEL_CHARS = 8  # CMX 3600 reel names are at most 8 characters


_AUDIO_CROSSFADE = {
    "name": "Cross Fade (+3dB)",
    "effectid": "KGAudioTransCrossFade3dB",
    "effecttype": "transition",
    "mediatype": "audio",
}


def _for_fcp_xml(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy whose clips carry their GenStudio facts as FCP logging info."""
    copy = timeline.deepcopy()
    for clip in copy.find_clips():
        facts = clip.metadata.get(NAMESPACE) or {}
        if "take_id" not in facts:
            continue
        made = " ".join(str(facts.get(k) or "") for k in ("provider", "model")).strip()
        task = facts.get("remote_task_id") or ""
        clip.metadata["fcp_xml"] = {
            "logginginfo": {
                "scene": str(facts.get("scene_number", "")),
                "shottake": str(facts["take_id"]),
                "description": str(facts.get("prompt") or ""),
                "lognote": f"{made} task {task}".strip() if task else made,
            }
        }
    for track in copy.tracks:
        if track.kind != otio.schema.TrackKind.Audio:
            continue
        for fade in track.find_children(descended_from_type=otio.schema.Transition):
            # the adapter would write a video dissolve; this is Premiere's audio crossfade
            fade.metadata["fcp_xml"] = {"effect": dict(_AUDIO_CROSSFADE)}
    for marker in copy.tracks.markers:
        text = (marker.metadata.get(NAMESPACE) or {}).get("text")
        if text:
            marker.metadata["fcp_xml"] = {"comment": str(text)}
    return copy


def edl_reels(names: Iterable[str]) -> list[str]:
    """Distinct 8-character reel names from file names ("download (2).mp4" and
    "download (3).mp4" would both truncate to "download": the tail becomes a counter)."""
    reels: list[str] = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9]", "", Path(name).stem).upper() or "CLIP"
        reel = base[:EDL_REEL_CHARS]
        counter = 1
        while reel in reels:
            tail = str(counter)
            reel = base[: EDL_REEL_CHARS - len(tail)] + tail
            counter += 1
        reels.append(reel)
    return reels


def _for_edl(timeline: otio.schema.Timeline) -> otio.schema.Timeline:
    """A copy with only the picture track (an EDL holds one), unique reels and comments."""
    copy = otio.schema.Timeline(name=timeline.name, global_start_time=timeline.global_start_time)
    video = timeline.tracks[0].deepcopy()
    copy.tracks.append(video)
    clips = list(video.find_clips())
    reels = edl_reels(
        Path(otio.url_utils.filepath_from_url(c.media_reference.target_url)).name for c in clips
    )
    for clip, reel in zip(clips, reels, strict=True):
        facts = clip.metadata.get(NAMESPACE) or {}
        comment = (
            f"GENSTUDIO SCENE {facts.get('scene_number', '?')} TAKE {facts.get('take_id', '')}"
        )
        if facts.get("remote_task_id"):
            comment += f" TASK {facts['remote_task_id']}"
        clip.metadata["cmx_3600"] = {"reel": reel, "comments": [comment]}
    return copy


def write_handoff(
    timeline: otio.schema.Timeline,
    out_dir: Path | str,
    *,
    stem: str,
    formats: Iterable[str] = ALL_FORMATS,
) -> dict[str, Path]:
    """Write `timeline` as each of `formats` into `out_dir/stem.<ext>`, each file atomically."""
    out_dir = Path(out_dir)
    wanted = list(dict.fromkeys(formats))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise GenStudioError(f"unknown export format {unknown[0]!r} (use {', '.join(FORMATS)})")
    installed = otio.adapters.available_adapter_names()
    missing = [f for f in wanted if FORMATS[f][0] not in installed]
    if missing:  # before writing anything: an export is all the formats asked for, or none
        packages = ", ".join(ADAPTER_PACKAGES[f] for f in missing)
        raise GenStudioError(f"the {', '.join(missing)} export needs the package(s) {packages}")
    fps = timeline.global_start_time.rate if timeline.global_start_time else 24.0
    written: dict[str, Path] = {}
    for fmt in wanted:
        adapter, ext = FORMATS[fmt]
        variant, options = timeline, {}
        if fmt == "fcpxml":
            variant = _for_fcp_xml(timeline)
        elif fmt == "edl":
            # the EDL writer shortens clips in place to express dissolves: give it a copy
            variant, options = _for_edl(timeline), {"rate": fps}
        target = out_dir / f"{stem}{ext}"
        with atomic_path(target) as tmp:
            otio.adapters.write_to_file(variant, str(tmp), adapter_name=adapter, **options)
        written[fmt] = target
    return written
