"""Clip preview for the selected take, and a poster view for the final film.

Playback uses QtMultimedia (QMediaPlayer + QVideoWidget) when it can be imported, else the
OpenCV frame player (`cv_player.CvPlayer`). Either way the widget offers play/pause, a scrub
slider and the position, and emits `frameShown(ms)` whenever a decoded frame reaches the
screen (QVideoWidget.grab() is blank offscreen, so tests and tools listen to this instead).
Images are read off the GUI thread as QImage; only the GUI thread makes the QPixmap.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from genstudio.concurrency import run_blocking
from genstudio.models import Take
from ui.views.cv_player import CvPlayer

try:  # QtMultimedia needs libpulse on Linux; without it the OpenCV player takes over
    from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer, QVideoFrame
    from PySide6.QtMultimediaWidgets import QVideoWidget

    HAVE_MULTIMEDIA = True
except ImportError:  # pragma: no cover - depends on the machine
    HAVE_MULTIMEDIA = False


def _load_image(path: Path) -> QImage:
    image = QImage(str(path))
    if image.isNull():
        raise ValueError(f"{path}: not an image Qt can read")
    return image


def _clock(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


class ClipPreview(QWidget):
    frameShown = Signal(int)  # position (ms) of a frame that reached the screen
    posterShown = Signal(str)  # path of the still now shown

    def __init__(self, parent: QWidget | None = None, *, backend: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ClipPreview")
        if backend is None:
            backend = "multimedia" if HAVE_MULTIMEDIA else "opencv"
        if backend == "multimedia" and not HAVE_MULTIMEDIA:
            raise RuntimeError("QtMultimedia is not available on this system")
        self.backend = backend
        self._load_task: asyncio.Task[None] | None = None
        self._poster: QPixmap | None = None
        self._duration = 0

        self.poster_label = QLabel(self)
        self.poster_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.poster_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.poster_label.setMinimumSize(160, 90)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.poster_label)
        if backend == "multimedia":
            self.video_widget: QWidget = QVideoWidget(self)
            self._player = QMediaPlayer(self)
            self._audio = QAudioOutput(self)
            self._player.setAudioOutput(self._audio)
            self._player.setVideoOutput(self.video_widget)
            self._player.positionChanged.connect(self._on_position)
            self._player.durationChanged.connect(self._on_duration)
            self._player.playbackStateChanged.connect(self._on_playback_state)
            self._player.errorOccurred.connect(self._on_media_error)
            self.video_widget.videoSink().videoFrameChanged.connect(self._on_video_frame)
        else:
            self.video_widget = QLabel(self)
            self.video_widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.video_widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self._cv = CvPlayer(self)
            self._cv.frameReady.connect(self._on_cv_frame)
            self._cv.positionChanged.connect(self._on_position)
            self._cv.durationChanged.connect(self._on_duration)
            self._cv.playingChanged.connect(self._on_playing)
            self._cv.errorOccurred.connect(self._show_message)
        self.video_widget.setStyleSheet("background: black;")
        self.stack.addWidget(self.video_widget)

        self.play_button = QToolButton(self)
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip(self.tr("Play"))
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.time_label = QLabel("0:00 / 0:00", self)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addLayout(controls)

        self.play_button.clicked.connect(self.toggle_play)
        self.slider.sliderMoved.connect(self.seek)
        self.slider.sliderReleased.connect(lambda: self.seek(self.slider.value()))
        self._set_controls_enabled(False)
        self._show_message(self.tr("No take selected"))

    # -- public API ----------------------------------------------------------------------------

    def show_take(self, project_dir: Path | str, take: Take | None) -> None:
        """The take's clip when it has a finished one, else its reference image."""
        project_dir = Path(project_dir)
        if take is None:
            self.clear(self.tr("No take selected"))
            return
        clip = project_dir / take.clip if take.clip else None
        image = project_dir / take.reference_image if take.reference_image else None
        if clip is not None and clip.is_file():
            self._start(self._load_clip(clip, image if image and image.is_file() else None))
        elif image is not None and image.is_file():
            self.show_poster(image)
        else:
            self.clear(self.tr("This take has no image or clip yet"))

    def show_poster(self, path: Path | str) -> None:
        self._start(self._load_poster(Path(path)))

    def clear(self, message: str = "") -> None:
        self._cancel_load()
        self._stop_media()
        self._show_message(message)

    def is_playing(self) -> bool:
        if self.backend == "multimedia":
            return self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        return self._cv.is_playing()

    def duration_ms(self) -> int:
        return self._duration

    @Slot()
    def toggle_play(self) -> None:
        if self.is_playing():
            self.pause()
        else:
            self.play()

    def play(self) -> None:
        self.stack.setCurrentWidget(self.video_widget)
        if self.backend == "multimedia":
            self._player.play()
        else:
            self._cv.play()

    def pause(self) -> None:
        if self.backend == "multimedia":
            self._player.pause()
        else:
            self._cv.pause()

    @Slot(int)
    def seek(self, ms: int) -> None:
        self.stack.setCurrentWidget(self.video_widget)
        if self.backend == "multimedia":
            self._player.setPosition(ms)
        else:
            self._cv.seek(ms)

    # -- loading -------------------------------------------------------------------------------

    def _start(self, coro: Any) -> None:
        self._cancel_load()
        self._load_task = asyncio.ensure_future(coro)
        self._load_task.add_done_callback(self._load_done)

    def _cancel_load(self) -> None:
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
        self._load_task = None

    def _load_done(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self._show_message(str(task.exception()))

    async def _load_poster(self, path: Path) -> None:
        self._stop_media()
        image = await run_blocking(_load_image, path)
        self._poster = QPixmap.fromImage(image)  # GUI thread: the only place for a QPixmap
        self._fit_poster()
        self.stack.setCurrentWidget(self.poster_label)
        self.posterShown.emit(str(path))

    async def _load_clip(self, clip: Path, still: Path | None) -> None:
        self._stop_media()
        if still is not None:
            await self._load_poster(still)  # something to look at until Play
        if self.backend == "multimedia":
            self._player.setSource(QUrl.fromLocalFile(str(clip)))
        else:
            self._cv.set_target_size(self.stack.size())
            await self._cv.open(clip)
        self._set_controls_enabled(True)

    def _stop_media(self) -> None:
        if self.backend == "multimedia":
            self._player.stop()
            self._player.setSource(QUrl())
        else:
            self._cv.close()
        self._duration = 0
        self.slider.setRange(0, 0)
        self._set_controls_enabled(False)

    # -- display -------------------------------------------------------------------------------

    def _show_message(self, text: str) -> None:
        self._poster = None
        self.poster_label.setPixmap(QPixmap())
        self.poster_label.setText(text)
        self.stack.setCurrentWidget(self.poster_label)

    def _fit_poster(self) -> None:
        if self._poster is not None and not self._poster.isNull():
            self.poster_label.setPixmap(
                self._poster.scaled(
                    self.poster_label.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_poster()
        if self.backend == "opencv":
            self._cv.set_target_size(self.stack.size())

    def _set_controls_enabled(self, enabled: bool) -> None:
        self.play_button.setEnabled(enabled)
        self.slider.setEnabled(enabled)

    @Slot(QImage, int)
    def _on_cv_frame(self, image: QImage, position: int) -> None:
        self.stack.setCurrentWidget(self.video_widget)
        self.video_widget.setPixmap(QPixmap.fromImage(image))
        self.frameShown.emit(position)

    @Slot(QVideoFrame if HAVE_MULTIMEDIA else object)
    def _on_video_frame(self, frame: Any) -> None:
        if frame.isValid():
            self.frameShown.emit(int(self._player.position()))

    @Slot(int)
    def _on_position(self, ms: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(ms)
        self.time_label.setText(f"{_clock(ms)} / {_clock(self._duration)}")

    @Slot(int)
    def _on_duration(self, ms: int) -> None:
        self._duration = max(0, int(ms))
        self.slider.setRange(0, self._duration)
        self.time_label.setText(f"{_clock(self.slider.value())} / {_clock(self._duration)}")

    @Slot(bool)
    def _on_playing(self, playing: bool) -> None:
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setToolTip(self.tr("Pause") if playing else self.tr("Play"))

    def _on_playback_state(self, state: Any) -> None:
        self._on_playing(state == QMediaPlayer.PlaybackState.PlayingState)

    def _on_media_error(self, _error: Any, message: str) -> None:
        self._set_controls_enabled(False)
        self._show_message(self.tr("Cannot play this clip: {error}").format(error=message))

    def shutdown(self) -> None:
        """Stop playback and loading; release the decoder (also done on close)."""
        self._cancel_load()
        self._stop_media()

    def closeEvent(self, event: Any) -> None:
        self.shutdown()
        super().closeEvent(event)
