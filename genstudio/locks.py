"""One run per project at a time, across processes (the window and the CLI may share a
workspace): two runs of one project could each pay for the same shot.

An OS file lock (flock / LockFileEx) is released by the kernel when its process dies, so a
crashed run never leaves the project locked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from genstudio.errors import GenStudioError


class ProjectBusy(GenStudioError):
    """Another process is running this project's pipeline."""


class ProjectLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / ".run.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise ProjectBusy(
                f"{self.path.parent.name}: another GenStudio window or command is generating "
                "this project; wait for it to finish"
            ) from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
