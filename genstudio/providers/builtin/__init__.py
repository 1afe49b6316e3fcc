"""Builtin offline providers: no key, no network, the same output for the same input.

Each module is imported on its own by the registry, so using one role never loads the
libraries of another (OpenCV for stills and clips, espeak-ng for speech, numpy for music).
"""
