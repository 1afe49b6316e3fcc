"""GenStudio engine: planning, storyboard, generation and assembly. Never imports Qt."""

__version__ = "0.1.0"
