"""The FFmpeg runner takes the graphs a long film needs (hundreds of KiB: Linux refuses one
argument over 128 KiB) and leaves no file behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

from genstudio.media.ffmpeg import run_ffmpeg


def test_a_filtergraph_longer_than_one_argument_may_be_runs(tmp_path: Path) -> None:
    # whitespace between filters is skipped by FFmpeg's parser: long, yet quick to parse
    graph = "anullsrc=r=8000:cl=mono:d=0.05," + "\n" * (200 * 1024) + "anull[a]"
    assert len(graph) > 200 * 1024  # over MAX_ARG_STRLEN (128 KiB)
    before = set(Path(tempfile.gettempdir()).glob("gs-graph-*"))
    out = tmp_path / "out.wav"
    run_ffmpeg(["-filter_complex", graph, "-map", "[a]", str(out)])
    assert out.stat().st_size > 44  # a WAV header and some samples
    assert set(Path(tempfile.gettempdir()).glob("gs-graph-*")) == before
