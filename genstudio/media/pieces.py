"""The film's picture as independent pieces, each made by its own FFmpeg process. Pure: no I/O.

Why pieces: one filtergraph over the whole film keeps every clip's decoder and filters alive
at once (memory grows with the number of clips) and serialises all filtering in one thread.
A piece needs at most two clips, so memory is flat in the film's length and pieces encode in
parallel; a piece that needs no pixel change is stream-copied from its source.

The film is split where nothing blends (see layout.py): piece k is clip k from its first
frame that is not blended with clip k-1 up to its last frame on screen, including the blend
window into clip k+1 (clip k+1's first frames come in over it) or its fade to black before a
dip. When clip k's file is already in the film's format (H.264, yuv420p, the film's size,
square pixels, the film's frame rate) and no look or burned subtitle touches the picture,
the part of it between two keyframes (or a keyframe and the file's end) that has no fade is
copied, and only the frames before and after it are encoded.

Pieces are MPEG-TS files (Annex B: every piece carries its own SPS/PPS, so copied and
encoded pieces may differ in encoder settings) joined by the concat demuxer, whose
`duration` lines place every piece at its exact frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from genstudio.media.audiomix import num
from genstudio.media.layout import XFADE_NAMES, ClipFrames, fps_fraction, shown
from genstudio.media.probe import MediaInfo
from genstudio.timeline import Timeline

# Copying less than this is not worth a separate piece (and its process start).
MIN_COPY_SECONDS = 1.0
# Inputs are seeked this far before the wanted frame so rounding never skips it.
SEEK_SLACK_FRAMES = 0.25
LOOK_FILE = "look.cube"  # names inside the work directory (FFmpeg runs there: no escaping)
SUBTITLE_FILE = "subtitles.srt"
# Burned-in subtitles: libass style (font size in 288-line script units, like the default)
SUBTITLE_STYLE = "Fontname=DejaVu Sans,Fontsize=18,Outline=1.5,Shadow=0,MarginV=14"


# x264 settings giving each reorder delay (measured: no B-frames 0, B-frames without the
# pyramid 1, with it 2)
REORDER_ARGS: dict[int, list[str]] = {
    0: ["-bf", "0"],
    1: ["-bf", "3", "-x264-params", "b-pyramid=none"],
    2: ["-bf", "3", "-x264-params", "b-pyramid=normal"],
}


@dataclass(frozen=True)
class Keyframes:
    """Where a source file can be cut without decoding: its keyframes, in frames at its
    (constant) rate, which equals the film's; `total` frames in the file."""

    frames: tuple[int, ...]
    total: int
    first_pts: float  # seconds; frame i is at first_pts + i / rate
    # frames by which decoding runs ahead of display (B-frame reordering: 0 without B-frames,
    # 1 with plain B-frames, 2 with x264's B-pyramid); None when it is not one of those
    delay: int | None = 0


@dataclass(frozen=True)
class Piece:
    index: int
    start: int  # film frame
    count: int  # frames
    clip: int  # the clip it shows
    local: int  # clip-local frame at `start` (0 = the clip's ClipFrames.start)
    fade_in: int = 0  # frames fading up from black at its start (the second half of a dip)
    fade_out: int = 0  # frames fading to black at its end (the first half of a dip)
    blend: int = 0  # last frames blended with clip+1's first ones
    blend_kind: str = ""  # xfade transition name
    copy_from: int | None = None  # source frame to stream-copy from (None: encode)

    @property
    def name(self) -> str:
        return f"piece{self.index:05d}.ts"


@dataclass(frozen=True)
class Encoding:
    preset: str = "veryfast"
    crf: int = 20
    look: bool = False  # LOOK_FILE is in the work directory
    subtitles: bool = False  # SUBTITLE_FILE is in the work directory, burn it in
    threads: int = 0  # x264 threads per process; 0 = x264's own choice
    # Encoded pieces are given the reorder delay of the copied ones: the MP4 needs rising
    # decode times at every join, and equal delays make each join one frame apart (mixed
    # delays leave frames of 3 frames' or 1 tick's length: uneven for editors and
    # transcoders). None: x264's own choice (nothing is copied).
    delay: int | None = None


def matches_film(info: MediaInfo | None, timeline: Timeline) -> bool:
    """True when frames of this file can go into the film untouched (stream copy)."""
    if info is None:
        return False
    return (
        info.codec == "h264"
        and info.pix_fmt == "yuv420p"
        and (info.width, info.height) == (timeline.width, timeline.height)
        and info.sar in (None, Fraction(1))
        and not info.rotation
        and info.fps is not None
        and abs(info.fps - float(fps_fraction(timeline.fps))) < 0.01
    )


def plan_pieces(
    timeline: Timeline,
    plan: list[ClipFrames],
    keyframes: dict[int, Keyframes],
    *,
    may_copy: bool,
) -> list[Piece]:
    """Split the film into pieces (see the module doc). `keyframes`: for clips whose file
    matches the film's format, where it may be cut; `may_copy` False forces encoding."""
    rate = fps_fraction(timeline.fps)
    pieces: list[Piece] = []

    def add(**fields: int | str | None) -> None:
        if int(fields["count"] or 0) > 0:  # type: ignore[arg-type]
            pieces.append(Piece(index=len(pieces), **fields))  # type: ignore[arg-type]

    for k, frames in enumerate(plan):
        visible = shown(plan, k)
        first = visible.first + visible.mix_in
        end = visible.end
        blend_kind = ""
        if visible.mix_out:
            blend_kind = XFADE_NAMES[plan[k + 1].kind]
        copy = None
        if may_copy and k in keyframes:
            copy = _copy_span(
                timeline,
                k,
                keyframes[k],
                first + visible.black_in,
                end - visible.black_out - visible.mix_out,
                rate,
            )
        if copy is None:
            add(
                start=frames.start + first,
                count=end - first,
                clip=k,
                local=first,
                fade_in=visible.black_in,
                fade_out=visible.black_out,
                blend=visible.mix_out,
                blend_kind=blend_kind,
            )
            continue
        lo, hi, source_lo = copy
        add(
            start=frames.start + first,
            count=lo - first,
            clip=k,
            local=first,
            fade_in=visible.black_in,
        )
        add(start=frames.start + lo, count=hi - lo, clip=k, local=lo, copy_from=source_lo)
        add(
            start=frames.start + hi,
            count=end - hi,
            clip=k,
            local=hi,
            fade_out=visible.black_out,
            blend=visible.mix_out,
            blend_kind=blend_kind,
        )
    return pieces


def _copy_span(
    timeline: Timeline, k: int, keys: Keyframes, lo: int, hi: int, rate: Fraction
) -> tuple[int, int, int] | None:
    """(first, end) clip-local frames of the longest copyable stretch inside [lo, hi), and
    the source frame of `first`; None when there is none worth copying."""
    clip = timeline.clips[k]
    offset_exact = clip.source_in * rate
    offset = round(offset_exact)
    if abs(offset_exact - offset) > 0.01:  # the clip starts between two source frames
        return None
    # clip-local frame f shows source frame offset + f
    src_lo, src_hi = offset + lo, offset + hi
    starts = [f for f in keys.frames if src_lo <= f < src_hi]
    if not starts:
        return None
    begin = starts[0]
    # end at a keyframe (the packets before it are exactly the frames before it) or at the
    # file's end when the clip runs to it
    ends = [f for f in keys.frames if begin < f <= src_hi]
    finish = ends[-1] if ends else begin
    if src_hi >= keys.total:
        finish = keys.total
    if (finish - begin) < MIN_COPY_SECONDS * rate:
        return None
    return begin - offset, finish - offset, begin


def _seek(seconds: float, rate: Fraction) -> list[str]:
    at = seconds - SEEK_SLACK_FRAMES / float(rate)
    return ["-ss", num(at)] if at > 0 else []


def _normalise(info: MediaInfo | None, timeline: Timeline) -> str:
    """Filters that bring a clip's picture to the film's size (fit + black bars), square
    pixels and pixel format; the ones a matching file does not need are left out."""
    w, h = timeline.width, timeline.height
    steps = []
    same_size = info is not None and (info.width, info.height) == (w, h) and not info.rotation
    square = info is not None and info.sar in (None, Fraction(1))
    if not square:
        # to square pixels first: the fit below works on stored pixels, so an anamorphic
        # clip (say 240x192 at SAR 4:3, shown 320x192) would otherwise be squeezed
        steps.append("scale=trunc(iw*sar/2)*2:ih,setsar=1")
    if not (same_size and square):
        steps.append(
            f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black"
        )
    steps.append("setsar=1")
    if info is None or info.pix_fmt != "yuv420p":
        steps.append("format=yuv420p")
    return ",".join(steps)


def _clip_chain(
    index: int, info: MediaInfo | None, timeline: Timeline, count: int, label: str
) -> str:
    """Input `index`'s picture as exactly `count` frames at the film's rate and format
    (a source a little short holds its last frame)."""
    rate = fps_fraction(timeline.fps)
    return (
        f"[{index}:v:0]setpts=PTS-STARTPTS,fps={rate},{_normalise(info, timeline)},"
        f"tpad=stop_mode=clone:stop={count},trim=end_frame={count},"
        f"setpts=PTS-STARTPTS,settb={1 / rate}{label}"
    )


def piece_args(
    piece: Piece,
    timeline: Timeline,
    infos: dict[int, MediaInfo],
    encoding: Encoding,
    out_name: str,
) -> list[str]:
    """Arguments for `run_ffmpeg` (run in the work directory) that write `out_name`."""
    rate = fps_fraction(timeline.fps)
    clip = timeline.clips[piece.clip]
    if piece.copy_from is not None:
        at = piece.copy_from / rate
        return [
            *_seek(float(at) + SEEK_SLACK_FRAMES * 2 / float(rate), rate),
            "-i",
            str(clip.path),
            "-map",
            "0:v:0",
            "-c:v",
            "copy",
            "-frames:v",
            str(piece.count),
            "-an",
            "-sn",
            "-dn",
            "-map_metadata",
            "-1",
            "-f",
            "mpegts",
            out_name,
        ]
    args = [*_seek(clip.source_in + float(piece.local / rate), rate), "-i", str(clip.path)]
    chains = [_clip_chain(0, infos.get(piece.clip), timeline, piece.count, "[main]")]
    picture = "[main]"
    if piece.blend:
        after = timeline.clips[piece.clip + 1]
        args += [*_seek(after.source_in, rate), "-i", str(after.path)]
        chains.append(_clip_chain(1, infos.get(piece.clip + 1), timeline, piece.blend, "[next]"))
        offset = Fraction(piece.count - piece.blend) / rate
        chains.append(
            f"[main][next]xfade=transition={piece.blend_kind}:"
            f"duration={num(float(piece.blend / rate))}:offset={num(float(offset))}[mixed]"
        )
        picture = "[mixed]"
    steps = []
    if piece.fade_in:
        steps.append(f"fade=t=in:s=0:n={piece.fade_in}")
    if piece.fade_out:
        steps.append(f"fade=t=out:s={piece.count - piece.fade_out}:n={piece.fade_out}")
    if encoding.look:
        steps.append(f"lut3d=file={LOOK_FILE}:interp=trilinear")
    if encoding.subtitles:
        # libass places cues by each frame's film time: shift to it, then back
        start = num(float(piece.start / rate))
        steps += [
            f"setpts=PTS+{start}/TB",
            f"subtitles=filename={SUBTITLE_FILE}:force_style='{SUBTITLE_STYLE}'",
            "setpts=PTS-STARTPTS",
        ]
    steps.append("format=yuv420p")
    chains.append(f"{picture}{','.join(steps)}[v]")
    x264 = ["-threads", str(encoding.threads)] if encoding.threads else []
    x264 += REORDER_ARGS.get(encoding.delay, []) if encoding.delay is not None else []
    return [
        *args,
        "-filter_complex",
        ";".join(chains),
        "-map",
        "[v]",
        "-an",
        "-sn",
        "-map_metadata",
        "-1",
        "-c:v",
        "libx264",
        "-preset",
        encoding.preset,
        "-crf",
        str(encoding.crf),
        *x264,
        # a keyframe every 2 s: players and the poster picker seek fast (x264's default is 10 s)
        "-g",
        str(max(1, round(2 * timeline.fps))),
        "-pix_fmt",
        "yuv420p",
        "-frames:v",
        str(piece.count),
        "-f",
        "mpegts",
        out_name,
    ]


def concat_list(pieces: list[Piece], timeline: Timeline) -> str:
    """The concat demuxer's script: every piece with its exact length, so each starts at
    its own frame whatever timestamps its file carries."""
    rate = fps_fraction(timeline.fps)
    lines = ["ffconcat version 1.0"]
    for piece in pieces:
        lines += [f"file {piece.name}", f"duration {num(float(piece.count / rate))}"]
    return "\n".join(lines) + "\n"
