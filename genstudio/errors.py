"""Errors a user sees. Each names the thing that was wrong and what is wrong with it."""

from __future__ import annotations

from pathlib import Path


class GenStudioError(Exception):
    """Base class for errors that are shown to the user as they are."""


class InputFileError(GenStudioError):
    """A file the user gave us is missing, unreadable or malformed."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ScreenplayError(InputFileError):
    """A screenplay could not be imported."""


class MediaError(InputFileError):
    """A media file is missing, truncated, empty or not what it claims to be."""


class ProviderError(GenStudioError):
    """A provider failed to do a piece of work."""


class NotFoundError(GenStudioError):
    """A project, scene or take the user named does not exist."""


class PipelineBlocked(GenStudioError):
    """The pipeline cannot go on until the user does something (e.g. approve the plan)."""
