"""The bundled FFmpeg binary (imageio-ffmpeg) and a runner with progress and cancel."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from genstudio.errors import GenStudioError

ProgressCallback = Callable[[float], None]  # seconds of output written so far


class FFmpegError(GenStudioError):
    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        self.returncode = returncode
        self.stderr = stderr
        tail = "\n".join(stderr.strip().splitlines()[-12:])
        super().__init__(f"ffmpeg failed (exit {returncode}): {tail}")


class Cancelled(GenStudioError):
    """The user cancelled a running FFmpeg job."""


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the FFmpeg binary; `IMAGEIO_FFMPEG_EXE` overrides the bundled one."""
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    if not os.access(exe, os.X_OK):  # frozen copies can lose the exec bit (imageio-ffmpeg #121)
        os.chmod(exe, 0o755)
    return exe


_OUT_TIME = re.compile(r"^out_time_(?:us|ms)=(\d+)$")


def run_ffmpeg(
    args: Sequence[str],
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    timeout: float | None = None,
    cwd: Path | None = None,
) -> str:
    """Run ffmpeg with `args` (without the binary), return its stderr.

    Progress comes from `-progress pipe:1` (seconds of output written). Setting `cancel`
    terminates the process and raises `Cancelled`. Blocking: call it from a worker thread.
    """
    with _graphs_in_files(args) as args:
        return _run(args, progress, cancel, timeout, cwd)


# Linux refuses a single argument over 128 KiB (MAX_ARG_STRLEN): a film of 193 scenes and 799
# lines has a soundtrack graph of several hundred KiB. Graphs this long go through a file.
GRAPH_IN_FILE_CHARS = 32 * 1024


@contextlib.contextmanager
def _graphs_in_files(args: Sequence[str]) -> Iterator[list[str]]:
    """`args` with every long `-filter_complex` graph replaced by `-/filter_complex FILE`
    (FFmpeg 7+ reads an option's value from a file with the `-/` prefix); files removed after."""
    out, files = [], []
    try:
        for i, arg in enumerate(args):
            if i > 0 and args[i - 1] == "-filter_complex" and len(arg) > GRAPH_IN_FILE_CHARS:
                fd, name = tempfile.mkstemp(prefix="gs-graph-", suffix=".txt")
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(arg)
                files.append(name)
                out[-1], arg = "-/filter_complex", name
            out.append(arg)
        yield out
    finally:
        for name in files:
            with contextlib.suppress(OSError):
                os.unlink(name)


def _run(
    args: Sequence[str],
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    timeout: float | None,
    cwd: Path | None,
) -> str:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y"]
    if progress is not None:
        cmd += ["-progress", "pipe:1", "-nostats"]
    cmd += list(args)
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE if progress is not None else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    stderr_chunks: list[str] = []
    reader = threading.Thread(
        target=lambda: stderr_chunks.append(proc.stderr.read() if proc.stderr else ""),
        daemon=True,
    )
    reader.start()
    watcher: threading.Thread | None = None
    done = threading.Event()
    if cancel is not None:

        def watch() -> None:
            while not done.is_set():
                if cancel.wait(0.1):
                    proc.terminate()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    try:
        if progress is not None and proc.stdout is not None:
            for line in proc.stdout:
                match = _OUT_TIME.match(line.strip())
                if match:
                    progress(int(match.group(1)) / 1_000_000)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    finally:
        done.set()
        reader.join(timeout=5)
        if watcher is not None:
            watcher.join(timeout=1)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = "".join(stderr_chunks)
    if cancel is not None and cancel.is_set():
        raise Cancelled("cancelled")
    if proc.returncode != 0:
        raise FFmpegError(cmd, proc.returncode, stderr)
    return stderr
