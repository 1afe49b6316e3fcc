"""Widgets, panels and dialogs of the GenStudio window."""
