"""Extract the UI's strings into resources/i18n/*.ts and compile them to the .qm files we ship.

    python packaging/build_translations.py            # lupdate (keeps translations) + lrelease
    python packaging/build_translations.py --compile  # lrelease only (CI / packaging)

Uses pyside6-lupdate / pyside6-lrelease from the PySide6 wheel (next to this Python). Both
outputs are written to a temporary file first and moved into place when the tool succeeded.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from genstudio.fsutil import atomic_path  # noqa: E402 (needs the checkout on sys.path)

I18N = ROOT / "resources" / "i18n"

# lupdate names a context after the expression before `.tr(` when the call is not inside a
# class (`tr = window.tr; tr("&Quit")` → "", `app.tr(...)` → "app"); at run time PySide looks
# the string up under the object's class names. Map the former onto the latter when compiling.
CONTEXT_ALIASES = {"": "MainWindow", "self.window": "MainWindow", "app": "GenStudioApp"}


def tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install pyside6-essentials in this environment")
    return found


def update(ts: Path) -> None:
    sources = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "ui").rglob("*.py"))]
    with atomic_path(ts) as tmp:
        shutil.copyfile(ts, tmp)  # lupdate merges into the existing translations
        subprocess.run(
            [tool("pyside6-lupdate"), *sources, "-no-obsolete", "-locations", "none", "-ts",
             str(tmp)],
            cwd=ROOT, check=True,
        )  # fmt: skip


def with_runtime_contexts(ts: Path, out: Path) -> None:
    """A copy of `ts` whose alias contexts are merged into the runtime ones."""
    tree = ET.parse(ts)
    root = tree.getroot()
    by_name = {c.findtext("name") or "": c for c in root.findall("context")}
    for alias, target in CONTEXT_ALIASES.items():
        source = by_name.get(alias)
        if source is None:
            continue
        merged = by_name.get(target)
        if merged is None:
            source.find("name").text = target  # type: ignore[union-attr]
            by_name[target] = source
            continue
        for message in source.findall("message"):
            merged.append(message)
        root.remove(source)
    tree.write(out, encoding="utf-8", xml_declaration=True)


def compile_catalogue(ts: Path) -> Path:
    qm = ts.with_suffix(".qm")
    with atomic_path(qm) as tmp:
        runtime_ts = tmp.with_suffix(".runtime.ts")
        try:
            with_runtime_contexts(ts, runtime_ts)
            subprocess.run([tool("pyside6-lrelease"), str(runtime_ts), "-qm", str(tmp)], check=True)
        finally:
            runtime_ts.unlink(missing_ok=True)
    return qm


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", action="store_true", help="only compile .ts → .qm")
    args = parser.parse_args(argv)
    catalogues = sorted(I18N.glob("*.ts"))
    if not catalogues:
        raise SystemExit(f"no .ts catalogues in {I18N}")
    for ts in catalogues:
        if not args.compile:
            update(ts)
        print(compile_catalogue(ts).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
