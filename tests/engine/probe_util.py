"""Independent media checks for tests: streams and duration straight from ffmpeg's own output,
so a bug in genstudio.media.probe cannot hide a bug in what it checks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from genstudio.media.ffmpeg import ffmpeg_exe


def streams_and_duration(path: Path) -> dict:
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    ).stderr
    video = re.findall(r"Stream #\S+.*?: Video: (\w+)", out)
    audio = re.findall(r"Stream #\S+.*?: Audio: (\w+)", out)
    match = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", out)
    duration = None
    if match:
        h, m, s = match.groups()
        duration = int(h) * 3600 + int(m) * 60 + float(s)
    return {"video": video, "audio": audio, "duration": duration}


def decoded_duration(path: Path) -> float:
    """Duration by decoding every frame (what a viewer actually gets)."""
    out = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    ).stderr
    times = re.findall(r"time=(\d+):(\d+):(\d+\.\d+)", out)
    h, m, s = times[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)
