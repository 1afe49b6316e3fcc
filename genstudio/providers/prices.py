"""Price table as data: `resources/prices.json`, overridden entry by entry by the workspace's
`prices.json` (same shape), so a price change never needs a release.

    estimate_cost("runway", "gen4_turbo", "video", seconds=5)      → 0.25
    estimate_cost("fal", "fal-ai/flux/dev", "image", megapixels=1.2) → 0.05 (2 MP, rounded up)

A model with no entry raises `UnknownPrice`: a forecast must say "price unknown" rather than
count it as free. Runners' `cost()` (called by the engine after a job is done) never raises;
they return 0.0 for such a model and the forecast uses `price_known` to flag it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from genstudio.errors import InputFileError, ProviderError
from genstudio.resources import resource_path
from genstudio.workspace import default_workspace_root

OVERRIDE_NAME = "prices.json"
_UNITS = ("per_second", "per_megapixel", "per_image", "per_1k_characters")


class UnknownPrice(ProviderError):
    """No price is known for this provider/model/kind."""


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputFileError(path, f"cannot read the price table ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise InputFileError(path, f"the price table is not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InputFileError(path, "the price table must be a JSON object")
    for provider, models in data.items():
        if provider.startswith("_"):
            continue
        if not isinstance(models, dict):
            raise InputFileError(path, f"{provider}: expected an object of models")
        for model, kinds in models.items():
            if not isinstance(kinds, dict):
                raise InputFileError(path, f"{provider} / {model}: expected an object of kinds")
            for kind, entry in kinds.items():
                _check_entry(path, f"{provider} / {model} / {kind}", entry)
    return data


def _check_entry(path: Path, where: str, entry: object) -> None:
    units = [u for u in _UNITS if isinstance(entry, dict) and u in entry]
    if not units or any(
        isinstance(entry[u], bool) or not isinstance(entry[u], int | float) or entry[u] < 0
        for u in units
        if isinstance(entry, dict)
    ):
        raise InputFileError(path, f"{where}: needs a non-negative {' or '.join(_UNITS)}")


@dataclass(frozen=True)
class PriceTable:
    entries: dict[str, dict[str, dict[str, dict[str, Any]]]]

    @classmethod
    def load(cls, workspace_root: Path | None = None) -> PriceTable:
        """The bundled table, with `<workspace_root>/prices.json` entries replacing ours."""
        base = _read(resource_path("prices.json"))
        merged: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        layers = [base]
        override = (workspace_root / OVERRIDE_NAME) if workspace_root else None
        if override is not None and override.exists():
            layers.append(_read(override))
        for layer in layers:
            for provider, models in layer.items():
                if provider.startswith("_"):
                    continue
                for model, kinds in models.items():
                    merged.setdefault(provider, {}).setdefault(model, {}).update(kinds)
        return cls(merged)

    def entry(self, provider: str, model: str, kind: str) -> dict[str, Any]:
        found = self.entries.get(provider, {}).get(model, {}).get(kind)
        if found is None:
            raise UnknownPrice(
                f"no price known for {provider} {model} ({kind}); add it to the workspace's "
                f"{OVERRIDE_NAME}"
            )
        return found

    def known(self, provider: str, model: str, kind: str) -> bool:
        return kind in self.entries.get(provider, {}).get(model, {})

    def estimate(
        self,
        provider: str,
        model: str,
        kind: str,
        *,
        seconds: float | None = None,
        megapixels: float | None = None,
        characters: int | None = None,
    ) -> float:
        entry = self.entry(provider, model, kind)
        if "per_second" in entry:
            return entry["per_second"] * _need(seconds, "seconds", provider, model)
        if "per_megapixel" in entry:
            mp = _need(megapixels, "megapixels", provider, model)
            if entry.get("round_up"):
                mp = max(1.0, math.ceil(mp - 1e-9))
            return entry["per_megapixel"] * mp
        if "per_image" in entry:
            hd_from = entry.get("hd_min_megapixels")
            if hd_from is not None and megapixels is not None and megapixels >= hd_from:
                return float(entry.get("hd_per_image", entry["per_image"]))
            return float(entry["per_image"])
        count = _need(characters, "characters", provider, model)
        return entry["per_1k_characters"] * count / 1000.0


def _need(value: float | None, what: str, provider: str, model: str) -> float:
    if value is None or value < 0:
        raise UnknownPrice(f"{provider} {model} is priced by {what}; none were given")
    return float(value)


@lru_cache(maxsize=8)
def _cached(root: str) -> PriceTable:
    return PriceTable.load(Path(root) if root else None)


def default_prices(workspace_root: Path | None = None) -> PriceTable:
    """The table for a workspace (the default one when not given); cached per folder."""
    root = workspace_root or default_workspace_root()
    return _cached(str(root))


def reload_prices() -> None:
    """Forget cached tables (after the user edits the workspace's prices.json)."""
    _cached.cache_clear()


def estimate_cost(
    provider: str,
    model: str,
    kind: str,
    *,
    seconds: float | None = None,
    megapixels: float | None = None,
    characters: int | None = None,
    table: PriceTable | None = None,
) -> float:
    """USD for one request. Raises `UnknownPrice` when the table has no such entry."""
    return (table or default_prices()).estimate(
        provider, model, kind, seconds=seconds, megapixels=megapixels, characters=characters
    )


def price_known(provider: str, model: str, kind: str, table: PriceTable | None = None) -> bool:
    return (table or default_prices()).known(provider, model, kind)
