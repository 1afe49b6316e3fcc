"""Qt item models: adapters over the controller's caches (they never call the engine)."""
