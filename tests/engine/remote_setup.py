"""Point a workspace's providers at the fake provider server, as a user would in Settings."""

from __future__ import annotations

from genstudio.models import ProviderConfig, Role
from genstudio.secrets import KeyStore
from genstudio.store import Store


def configure_remote(store: Store, fake, keys: dict[str, str] | None = None) -> dict[str, str]:
    """Image → FAL flux, video → Runway gen4_turbo, speech → ElevenLabs; keys to the keyring."""
    keys = keys or {name: fake.keys[name] for name in ("runway", "fal", "elevenlabs")}
    if keys != {n: fake.keys[n] for n in keys}:
        fake.configure(keys={**fake.keys, **keys})
    store.save_provider_config(
        ProviderConfig(
            role=Role.IMAGE,
            name="fal",
            model="fal-ai/flux/dev",
            base_url=fake.url("fal"),
            max_concurrent=2,
        )
    )
    store.save_provider_config(
        ProviderConfig(
            role=Role.VIDEO,
            name="runway",
            model="gen4_turbo",
            base_url=fake.url("runway"),
            max_concurrent=2,
        )
    )
    store.save_provider_config(
        ProviderConfig(
            role=Role.AUDIO,
            name="elevenlabs",
            model="eleven_multilingual_v2",
            base_url=fake.url("elevenlabs"),
            max_concurrent=3,
        )
    )
    keystore = KeyStore()
    for name, key in keys.items():
        keystore.set_key(name, key)
    return keys
