"""Paints one storyboard card: picture, number, status, approval/lock, progress, heading.

Everything comes from the model's roles; nothing here touches the engine or the disk, and
the thumbnail is a pre-scaled QImage, so painting a visible card costs a few draw calls
(calibre's CoverDelegate, FeelUOwn's ImgCardListDelegate).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from genstudio.models import Scene, ShotSize
from ui.labels import shot_size_label
from ui.models.storyboard_model import HasImageRole, ProgressRole, SceneRole, ThumbnailRole

BASE_WIDTH = 224  # card width at zoom 1.0
MARGIN = 6  # space around a card (inside its cell)
PADDING = 8
ZOOM_LEVELS = (0.6, 0.8, 1.0, 1.25, 1.6, 2.0)

PICTURE_BG = QColor("#1f2430")
PLACEHOLDER_TEXT = QColor("#9aa3b5")
SHADE = QColor(0, 0, 0, 170)
WHITE = QColor("white")
LOCK = QColor("#fbbf24")
RUNNING = QColor("#2563eb")
STATUS_COLORS = {
    "pending": QColor("#6b7280"),
    "running": QColor("#2563eb"),
    "completed": QColor("#16a34a"),
    "failed": QColor("#dc2626"),
}
APPROVED = QColor("#16a34a")
CHANGES = QColor("#d97706")


class SceneCardDelegate(QStyledItemDelegate):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.zoom = 1.0
        self.aspect = 768 / 1280  # height / width of the project's frames
        self.status_text = {
            "pending": self.tr("Pending"),
            "running": self.tr("Rendering"),
            "completed": self.tr("Done"),
            "failed": self.tr("Failed"),
        }
        self._no_image = self.tr("No image yet")
        # Translated once: tr() walks the installed translators, too slow for every paint.
        self._seconds = self.tr("%.1f s")
        self._lines: dict[int, str] = {}
        self._sizes: dict[ShotSize, str] = {}
        self._font_cache: _Fonts | None = None

    # -- geometry -------------------------------------------------------------------------

    def card_width(self) -> int:
        return round(BASE_WIDTH * self.zoom)

    def thumb_size(self) -> QSize:
        width = self.card_width() - 2 * PADDING
        return QSize(width, round(width * self.aspect))

    def text_height(self, font: QFont) -> int:
        metrics = QFontMetrics(font)
        return 2 * metrics.height() + 10

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        card = self.card_width()
        height = PADDING + self.thumb_size().height() + 6 + self.text_height(option.font) + PADDING
        return QSize(card + 2 * MARGIN, height + 2 * MARGIN)

    # -- painting -------------------------------------------------------------------------

    def _fonts(self, base: QFont) -> _Fonts:
        key = base.key()
        if self._font_cache is None or self._font_cache.key != key:
            self._font_cache = _Fonts(base)
        return self._font_cache

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        scene = index.data(SceneRole) if index.isValid() else None
        if not isinstance(scene, Scene):
            return
        fonts = self._fonts(option.font)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        card = QRectF(option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN))
        palette = option.palette
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(QPen(palette.highlight().color(), 2.5))
        else:
            painter.setPen(QPen(palette.mid().color(), 1))
        painter.setBrush(palette.base())
        painter.drawRoundedRect(card, 8, 8)
        thumb = self.thumb_size()
        left, top = round(card.left()) + PADDING, round(card.top()) + PADDING
        picture = QRect(left, top, thumb.width(), thumb.height())
        self._paint_picture(painter, picture, index, scene)
        self._paint_badges(painter, picture, scene, fonts)
        self._paint_text(painter, palette, picture, scene, fonts)
        painter.restore()

    def _paint_picture(self, painter: QPainter, rect: QRect, index: Any, scene: Scene) -> None:
        # No clip path: an antialiased clip makes every drawImage take Qt's slow path.
        painter.fillRect(rect, PICTURE_BG)
        image = index.data(ThumbnailRole)
        if isinstance(image, QImage) and not image.isNull():
            size = image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(rect.center())
            painter.drawImage(target, image)
        else:
            painter.setPen(PLACEHOLDER_TEXT)
            text = "…" if index.data(HasImageRole) else self._no_image
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        if scene.status.value == "running":
            bar = QRect(rect.left(), rect.bottom() - 5, rect.width(), 6)
            painter.fillRect(bar, QColor(0, 0, 0, 140))
            progress = index.data(ProgressRole)
            if isinstance(progress, float) and progress >= 0:
                width = round(bar.width() * min(progress, 1.0))
                painter.fillRect(QRect(bar.left(), bar.top(), width, bar.height()), RUNNING)
            else:  # progress unknown: a steady half-tone bar says "busy" without a timer
                painter.fillRect(bar, QColor(37, 99, 235, 150))

    def _pill(self, painter: QPainter, rect: QRectF, color: QColor, text: str) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(WHITE)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_badges(self, painter: QPainter, rect: QRect, scene: Scene, fonts: _Fonts) -> None:
        painter.setFont(fonts.badge)
        metrics = fonts.badge_metrics
        h = metrics.height() + 4
        number = str(scene.number)
        width = max(h, metrics.horizontalAdvance(number) + 12)
        self._pill(painter, QRectF(rect.left() + 5, rect.top() + 5, width, h), SHADE, number)
        status = scene.status.value
        label = self.status_text.get(status, status)
        width = metrics.horizontalAdvance(label) + 14
        color = STATUS_COLORS.get(status, STATUS_COLORS["pending"])
        self._pill(
            painter, QRectF(rect.right() - 5 - width, rect.top() + 5, width, h), color, label
        )

        x, y = rect.right() - 5 - h, rect.bottom() - 9 - h
        if scene.approval.value in ("approved", "changes_requested"):
            approved = scene.approval.value == "approved"
            mark = "✓" if approved else "!"
            self._pill(painter, QRectF(x, y, h, h), APPROVED if approved else CHANGES, mark)
            x -= h + 4
        if scene.locked:
            self._paint_lock(painter, QRectF(x, y, h, h))
            x -= h + 4
        if scene.continues_from:
            self._pill(painter, QRectF(x, y, h, h), SHADE, "↦")

    def _paint_lock(self, painter: QPainter, rect: QRectF) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(SHADE)
        painter.drawEllipse(rect)
        w, h = rect.width(), rect.height()
        body = QRectF(rect.center().x() - w * 0.2, rect.center().y() - h * 0.02, w * 0.4, h * 0.3)
        painter.setBrush(LOCK)
        painter.drawRect(body)
        painter.setPen(QPen(LOCK, max(1.5, w / 10)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        bw, bh = body.width(), body.height()
        painter.drawArc(QRectF(body.left() + bw * 0.15, body.top() - bh * 0.9, bw * 0.7, bh * 1.6),
                        0, 180 * 16)  # fmt: skip

    def _paint_text(
        self, painter: QPainter, palette: QPalette, picture: QRect, scene: Scene, fonts: _Fonts
    ) -> None:
        line = fonts.bold_metrics.height()
        left, width, top = picture.left(), picture.width(), picture.bottom() + 6
        heading = fonts.bold_metrics.elidedText(
            scene.heading.slug_line(), Qt.TextElideMode.ElideRight, width
        )
        painter.setFont(fonts.bold)
        painter.setPen(palette.text().color())
        painter.drawText(QRect(left, top, width, line), Qt.AlignmentFlag.AlignLeft, heading)
        details = self._seconds % scene.duration
        if scene.dialogue:
            count = len(scene.dialogue)
            if count not in self._lines:
                self._lines[count] = self.tr("%n line(s)", "", count)
            details += " · " + self._lines[count]
        size = scene.camera.shot_size
        if size not in self._sizes:  # translated once per size, not on every paint
            self._sizes[size] = shot_size_label(size)
        details += " · " + self._sizes[size]
        painter.setFont(fonts.regular)
        painter.setPen(palette.placeholderText().color())
        details = fonts.regular_metrics.elidedText(details, Qt.TextElideMode.ElideRight, width)
        painter.drawText(
            QRect(left, top + line + 2, width, line), Qt.AlignmentFlag.AlignLeft, details
        )


class _Fonts:
    """The card's fonts and metrics, built once per base font (not on every paint)."""

    def __init__(self, base: QFont) -> None:
        self.key = base.key()
        self.regular = QFont(base)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.badge = QFont(base)
        self.badge.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
        self.badge.setBold(True)
        self.regular_metrics = QFontMetrics(self.regular)
        self.bold_metrics = QFontMetrics(self.bold)
        self.badge_metrics = QFontMetrics(self.badge)
