"""Painting delegates for the item views."""
