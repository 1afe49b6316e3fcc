"""The review bundle's index.html: the template in resources/review/ with its CSS, JS and the
scene data inlined, so the page works from file:// with no network and no other page."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from genstudio.resources import resource_path

_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: scene text like `</script>` or `<!--`
    cannot end or confuse the element (JSON allows these escapes inside strings)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    # legal in JSON, but line terminators in older JavaScript string literals
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _inline_asset(name: str, closing: str) -> str:
    text = resource_path(f"review/{name}").read_text(encoding="utf-8")
    if closing in text.lower():
        raise ValueError(f"resources/review/{name} must not contain {closing!r}")
    return text


def render_index_html(manifest: dict[str, Any]) -> str:
    """index.html for a bundle manifest (the same data written to scenes.json)."""
    template = resource_path("review/index.html").read_text(encoding="utf-8")
    project = manifest["project"]
    values = {
        "LANG": html.escape(project.get("language") or "en", quote=True),
        "TITLE": html.escape(project["title"]),
        "SCENE_COUNT": str(len(manifest["scenes"])),
        "EXPORTED": html.escape(manifest["exported_at"][:16].replace("T", " ") + " UTC"),
        "CSS": _inline_asset("review.css", "</style"),
        "JS": _inline_asset("review.js", "</script"),
        "DATA": script_json(manifest),
    }
    # one pass: text put in for one placeholder is never searched for another
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
