"""Cost and time forecast for the work a run still has to do (no Qt: reusable by the CLI).

Cost: the remaining scenes' quantities × each role's price: the one typed in Settings
(`ProviderConfig.prices[PRICE_KEYS[role]]`, USD) or else the engine's list price for that
provider and model (`genstudio.providers.prices`). The builtin providers render on this
computer and are free. A remote provider with no price at all is reported as unpriced,
never counted as free.

Time: measured, never guessed. From this workspace's history: wall seconds per second of
clip and per image recorded in the takes' provenance (started_at/finished_at), and the mean
active seconds of finished jobs for remote providers. With no history there is no figure.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from genstudio.models import (
    Approval,
    JobState,
    Provenance,
    ProviderConfig,
    Role,
    Scene,
    SceneStatus,
)
from genstudio.providers.prices import PriceTable, UnknownPrice
from genstudio.store import Store

# Units match the engine's price table (resources/prices.json); LLM calls are ours.
PRICE_KEYS: dict[Role, str] = {
    Role.LLM: "per_call",
    Role.IMAGE: "per_image",
    Role.VIDEO: "per_second",
    Role.AUDIO: "per_1k_characters",
    Role.LIPSYNC: "per_second",
    Role.MUSIC: "per_second",
}
PRICE_KINDS: dict[Role, str] = {
    Role.IMAGE: "image",
    Role.VIDEO: "video",
    Role.AUDIO: "speech",
    Role.LIPSYNC: "lipsync",
    Role.MUSIC: "music",
}
PLAN_CALLS = 4  # plan, visual bible, screenplay, characters
HISTORY_PROJECTS = 5  # how many recent projects feed the measured speed


@dataclass(frozen=True)
class Speed:
    """Measured rendering speed by provider name (medians of this workspace's history)."""

    video_factor: dict[str, float] = field(default_factory=dict)  # wall s per clip second
    image_seconds: dict[str, float] = field(default_factory=dict)  # wall s per image
    job_seconds: dict[tuple[str, str], float] = field(default_factory=dict)  # (provider, kind)


@dataclass(frozen=True)
class Estimate:
    scenes: int  # scenes still to render
    video_seconds: float
    images: int  # upper bound: the location library may already hold some
    dialogue_chars: int
    cost: float  # USD, priced roles only
    free: bool  # every provider involved runs offline
    unpriced: tuple[str, ...]  # remote providers with no price configured
    seconds: float | None  # wall-clock forecast; None without a measurement
    planned: bool = True  # False: no scenes yet, only the planning calls are known


def remaining_scenes(scenes: Iterable[Scene]) -> list[Scene]:
    """Scenes a run would still render (a finished clip is never redone; changes-requested
    scenes are skipped by the pipeline)."""
    return [
        s
        for s in scenes
        if s.status is not SceneStatus.COMPLETED and s.approval is not Approval.CHANGES_REQUESTED
    ]


def role_cost(
    config: ProviderConfig | None,
    role: Role,
    amount: float,
    *,
    megapixels: float = 1.0,
    table: PriceTable | None = None,
) -> float | None:
    """USD for `amount` units of `role` work (seconds, images, characters, calls);
    None when nothing says what it costs."""
    if config is None or config.name == "builtin":
        return 0.0
    typed = config.prices.get(PRICE_KEYS[role])
    if typed is not None:
        return typed * (amount / 1000 if role is Role.AUDIO else amount)
    kind = PRICE_KINDS.get(role)
    if table is None or kind is None or not table.known(config.name, config.model, kind):
        return None
    try:
        if role is Role.IMAGE:
            return amount * table.estimate(config.name, config.model, kind, megapixels=megapixels)
        if role is Role.AUDIO:
            return table.estimate(config.name, config.model, kind, characters=round(amount))
        return table.estimate(config.name, config.model, kind, seconds=amount)
    except UnknownPrice:  # priced by a unit this forecast does not have
        return None


def estimate_run(
    scenes: list[Scene],
    configs: Mapping[Role, ProviderConfig],
    *,
    plan_done: bool,
    speed: Speed | None = None,
    table: PriceTable | None = None,
    megapixels: float = 1.0,
) -> Estimate:
    todo = remaining_scenes(scenes)
    video_seconds = sum(s.duration for s in todo)
    images = sum(1 for s in todo if not s.continues_from)  # continuations reuse a real frame
    chars = sum(len(line.line) for s in todo for line in s.dialogue)
    talking_seconds = sum(s.duration for s in todo if s.dialogue)
    film_seconds = sum(s.duration for s in scenes)
    quantities: dict[Role, float] = {
        Role.LLM: 0.0 if plan_done else PLAN_CALLS,
        Role.IMAGE: images,
        Role.VIDEO: video_seconds,
        Role.AUDIO: chars,
        Role.LIPSYNC: talking_seconds,
        Role.MUSIC: film_seconds if todo else 0.0,
    }
    cost, unpriced, free = 0.0, [], True
    for role, amount in quantities.items():
        config = configs.get(role)
        if config is not None and not config.enabled:
            continue
        if role is Role.LIPSYNC and config is None:
            continue  # no lip-sync configured: nothing to pay for
        if amount <= 0:
            continue
        if config is not None and config.name != "builtin":
            free = False
        price = role_cost(config, role, amount, megapixels=megapixels, table=table)
        if price is None:
            unpriced.append(config.name if config else role.value)
        else:
            cost += price
    return Estimate(
        scenes=len(todo),
        video_seconds=video_seconds,
        images=images,
        dialogue_chars=chars,
        cost=round(cost, 2),
        free=free,
        unpriced=tuple(dict.fromkeys(unpriced)),
        seconds=_forecast_seconds(todo, images, configs, speed),
        planned=bool(scenes) or plan_done,
    )


def _forecast_seconds(
    todo: list[Scene], images: int, configs: Mapping[Role, ProviderConfig], speed: Speed | None
) -> float | None:
    if not todo:
        return 0.0
    if speed is None:
        return None
    video = configs.get(Role.VIDEO)
    image = configs.get(Role.IMAGE)
    video_name = video.name if video else "builtin"
    image_name = image.name if image else "builtin"
    lanes_video = video.max_concurrent if video else 1
    lanes_image = image.max_concurrent if image else 1
    total = 0.0
    if video_name in speed.video_factor:
        total += sum(s.duration for s in todo) * speed.video_factor[video_name] / lanes_video
    elif (video_name, "video") in speed.job_seconds:
        total += len(todo) * speed.job_seconds[(video_name, "video")] / lanes_video
    else:
        return None  # the expensive part has never been measured: no honest figure
    if images:
        if image_name in speed.image_seconds:
            total += images * speed.image_seconds[image_name] / lanes_image
        elif (image_name, "image") in speed.job_seconds:
            total += images * speed.job_seconds[(image_name, "image")] / lanes_image
    return total


def _wall(provenance: Provenance | None) -> tuple[str, float] | None:
    if provenance is None or provenance.started_at is None or provenance.finished_at is None:
        return None
    seconds = (provenance.finished_at - provenance.started_at).total_seconds()
    return (provenance.provider, seconds) if seconds > 0 else None


def measure_speed(store: Store, project_ids: Iterable[str]) -> Speed:
    """Blocking (call through `store.run`): medians over the given projects' takes and the
    workspace's finished jobs."""
    factors: dict[str, list[float]] = defaultdict(list)
    image_times: dict[str, list[float]] = defaultdict(list)
    for project_id in list(project_ids)[:HISTORY_PROJECTS]:
        for scene in store.list_scenes(project_id):
            for take in store.list_takes(scene.id):
                clip = _wall(take.clip_provenance)
                if clip and take.clip_duration:
                    factors[clip[0]].append(clip[1] / take.clip_duration)
                image = _wall(take.image_provenance)
                if image:
                    image_times[image[0]].append(image[1])
    job_times: dict[tuple[str, str], list[float]] = defaultdict(list)
    for job in store.list_jobs(None, [JobState.DONE]):
        if job.active_seconds > 0:
            job_times[(job.provider, job.kind)].append(job.active_seconds)
    return Speed(
        video_factor={k: statistics.median(v) for k, v in factors.items()},
        image_seconds={k: statistics.median(v) for k, v in image_times.items()},
        job_seconds={k: statistics.median(v) for k, v in job_times.items()},
    )
