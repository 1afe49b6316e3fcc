"""The durable job engine: every provider call is a persisted job (RELIABILITY.md)."""
