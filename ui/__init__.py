"""GenStudio's Qt window (PySide6 + qasync), built on the `genstudio` engine."""
