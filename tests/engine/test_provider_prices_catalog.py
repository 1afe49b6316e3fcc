"""Prices and model tables are data: every catalog model is priced; workspace overrides win."""

from __future__ import annotations

from pathlib import Path

import pytest

from genstudio.errors import InputFileError
from genstudio.providers import catalog
from genstudio.providers.prices import (
    PriceTable,
    UnknownPrice,
    default_prices,
    estimate_cost,
    price_known,
    reload_prices,
)


def test_estimates_per_unit() -> None:
    table = PriceTable.load()
    assert table.estimate("runway", "gen4_turbo", "video", seconds=10) == pytest.approx(0.50)
    # FLUX dev bills whole megapixels, rounded up
    flux = {"megapixels": 1920 * 1080 / 1e6}  # 2.07 MP → 3
    assert table.estimate("fal", "fal-ai/flux/dev", "image", **flux) == pytest.approx(0.075)
    assert table.estimate("fal", "fal-ai/flux/dev", "image", megapixels=0.3) == pytest.approx(0.025)
    assert table.estimate("runway", "gen4_image", "image", megapixels=0.92) == pytest.approx(0.05)
    assert table.estimate("runway", "gen4_image", "image", megapixels=2.07) == pytest.approx(0.08)
    assert table.estimate(
        "elevenlabs", "eleven_multilingual_v2", "speech", characters=2000
    ) == pytest.approx(0.60)
    with pytest.raises(UnknownPrice, match="priced by seconds"):
        table.estimate("runway", "gen4_turbo", "video")
    with pytest.raises(UnknownPrice, match="no price known for runway gen9"):
        table.estimate("runway", "gen9", "video", seconds=5)


def test_every_catalog_model_has_a_price() -> None:
    table = PriceTable.load()
    wanted = [
        *(("runway", m, "video") for m in catalog.RUNWAY_VIDEO),
        *(("runway", m, "image") for m in catalog.RUNWAY_IMAGE),
        *(("fal", m, e.kind) for m, e in catalog.FAL_ENDPOINTS.items()),
        *(("luma", m, "video") for m in catalog.LUMA_MODELS),
        *(("sync", m, "lipsync") for m in catalog.SYNC_MODELS),
        *(("elevenlabs", m, "speech") for m in catalog.ELEVENLABS_MODELS),
    ]
    missing = [w for w in wanted if not table.known(*w)]
    assert missing == []


def test_workspace_override_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "prices.json").write_text(
        '{"runway": {"gen4_turbo": {"video": {"per_second": 0.07}}},'
        ' "fal": {"my/model": {"video": {"per_second": 0.2}}}}'
    )
    table = PriceTable.load(tmp_path)
    assert table.estimate("runway", "gen4_turbo", "video", seconds=5) == pytest.approx(0.35)
    assert table.estimate("fal", "my/model", "video", seconds=5) == pytest.approx(1.0)
    assert table.known("runway", "gen4.5", "video")  # untouched entries stay
    (tmp_path / "prices.json").write_text(
        '{"runway": {"gen4_turbo": {"video": {"per_second": -1}}}}'
    )
    with pytest.raises(InputFileError, match=r"prices\.json: runway / gen4_turbo / video"):
        PriceTable.load(tmp_path)
    (tmp_path / "prices.json").write_text("{nope")
    with pytest.raises(InputFileError, match="not valid JSON"):
        PriceTable.load(tmp_path)


def test_default_table_follows_the_workspace(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GENSTUDIO_HOME", str(tmp_path))
    reload_prices()
    (tmp_path / "prices.json").write_text('{"luma": {"ray-2": {"video": {"per_second": 1.0}}}}')
    assert estimate_cost("luma", "ray-2", "video", seconds=5) == pytest.approx(5.0)
    assert price_known("luma", "ray-2", "video") and not price_known("luma", "ray-9", "video")
    assert default_prices() is default_prices()  # cached per folder
    reload_prices()


def test_catalog_helpers() -> None:
    assert catalog.nearest_ratio(1280, 768, catalog.RUNWAY_VIDEO["gen4_turbo"].ratios) == "1280:720"
    assert catalog.nearest_ratio(1000, 1000, ("auto", "16:9", "9:16")) in ("16:9", "9:16")
    assert catalog.fit_duration(4.2, range(2, 11)) == 5
    assert catalog.fit_duration(7, (5, 10)) == 10 and catalog.fit_duration(30, (5, 10)) == 10
    assert catalog.camera_phrase("pan_left") == "the camera pans left"
    assert catalog.camera_phrase(None) == "" and catalog.camera_phrase("spin") == ""
    assert catalog.ELEVENLABS_FORMATS["mp3_44100_128"] == ".mp3"
    assert "pcm_44100" not in catalog.ELEVENLABS_FORMATS  # raw PCM has no container
