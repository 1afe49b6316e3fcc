"""Measurements shared by the benchmarks: the memory of a process tree, sampled while work
runs, and a rendered film's length read from its container and its packets (no decoding)."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from pathlib import Path

from genstudio.media.ffmpeg import ffmpeg_exe

PAGE = os.sysconf("SC_PAGE_SIZE")


def _descendants(root: int) -> list[int]:
    """Every live descendant of `root`, from /proc/<pid>/task/<tid>/children."""
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                children = Path(f"/proc/{pid}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                found.append(child)
                todo.append(child)
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0  # exited between the listing and the read


class TreeRss:
    """Peak of (RSS of this process + RSS of all its descendants), sampled every `interval`."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak = 0  # the summed peak: the figure the target is about
        self.peak_self = 0
        self.peak_children = 0
        self.max_children = 0
        self.self_at_start = 0
        self.samples = 0
        self.at_peak: list[tuple[str, int]] = []  # (process, RSS) making up the peak sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> TreeRss:
        self.self_at_start = _rss(os.getpid())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = os.getpid()
        labels: dict[int, str] = {}
        while True:
            own = _rss(me)
            children = _descendants(me)
            sizes = {pid: _rss(pid) for pid in children}
            theirs = sum(sizes.values())
            if own + theirs > self.peak:
                self.peak = own + theirs
                for pid in children:
                    if pid not in labels:
                        labels[pid] = _label(pid)
                self.at_peak = sorted(
                    ((labels[pid], size) for pid, size in sizes.items()), key=lambda x: -x[1]
                )
            self.peak_self = max(self.peak_self, own)
            self.peak_children = max(self.peak_children, theirs)
            self.max_children = max(self.max_children, len(children))
            self.samples += 1
            if self._stop.wait(self.interval):
                return


def _label(pid: int) -> str:
    """A process in a few words: its program, what it writes (last argument), its inputs."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return f"pid {pid} (exited)"
    argv = [a for a in argv if a]
    if not argv:
        return f"pid {pid}"
    program = Path(argv[0]).name.split("-")[0]
    inputs = sum(1 for a in argv if a == "-i")
    return f"{program} → {Path(argv[-1]).name} ({inputs} inputs)"


def container_duration(path: Path) -> float:
    stderr = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                            text=True).stderr  # fmt: skip
    match = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", stderr)
    if not match:
        raise RuntimeError(f"{path}: no duration in ffmpeg's report:\n{stderr[-2000:]}")
    h, m, s = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def packet_end(path: Path, stream: str) -> float:
    """End time (s) of the last packet of stream 'v' or 'a', read from the packets themselves
    (a stream copy into framecrc: no decoding)."""
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", f"0:{stream}:0",
                          "-c", "copy", "-f", "framecrc", "-"], capture_output=True,
                         text=True).stdout  # fmt: skip
    tb = re.search(r"#tb 0: (\d+)/(\d+)", out)
    if not tb:
        raise RuntimeError(f"{path}: no {stream} stream")
    num, den = map(int, tb.group(1, 2))
    end = 0
    for line in out.splitlines():
        if line and not line.startswith("#"):
            fields = line.split(",")
            end = max(end, int(fields[2]) + int(fields[3]))
    return end * num / den
