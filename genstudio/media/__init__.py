"""Media: probe/validate, exact last frame, thumbnails, assembly, cover. No Qt types here."""
