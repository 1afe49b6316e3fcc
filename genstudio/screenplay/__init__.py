"""Screenplays: Fountain import, the idea splitter, timing estimates and the dialogue lock.

Modules: `fountain` (parse/load a .fountain file into scenes), `heading` (slug lines),
`dialogue` (cues, parentheticals → emotion/delivery), `idea` (free text → scenes for the
offline planner), `timing` (speech and scene durations), `lock` (a planner may not rewrite an
imported screenplay's dialogue or scene order).
"""
