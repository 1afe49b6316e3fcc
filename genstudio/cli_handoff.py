"""Command-line handoff: `export` (OTIO / FCP 7 XML / EDL), `import-timeline` (an editor's cut
back into the project) and `conform` (a folder of downloaded clips into a film)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from genstudio.cli_output import Printer
from genstudio.export.otio_formats import FORMATS
from genstudio.store import Store
from genstudio.workspace import Workspace

COMMANDS = ("export", "import-timeline", "conform")


def register(subparsers: Any) -> None:
    """Add the handoff subcommands to the `genstudio` parser's subparsers."""
    exp = subparsers.add_parser(
        "export", help="hand the cut to an editor: .otio, FCP 7 XML (.xml), CMX 3600 EDL (.edl)"
    )
    exp.add_argument("project")
    exp.add_argument(
        "--format",
        choices=[*FORMATS, "all"],
        action="append",
        help="otio, fcpxml, edl or all (repeatable; default: all)",
    )
    exp.add_argument("--out", metavar="DIR", help="folder (default: the project's exports/)")

    imp = subparsers.add_parser(
        "import-timeline", help="apply an editor's .otio (or FCP .xml): scene order, in/out points"
    )
    imp.add_argument("project")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="say what would change, save nothing")

    con = subparsers.add_parser(
        "conform", help="make a film from a folder of downloaded clips (no network, no keys)"
    )
    con.add_argument("folder", type=Path)
    con.add_argument("--out", required=True, metavar="FILE", help="the film to write (.mp4)")
    con.add_argument("--project", help="match the clips to this project's scenes")
    con.add_argument(
        "--transition",
        choices=["crossfade", "cut"],
        default="crossfade",
        help="between clips without a project (default: crossfade)",
    )
    con.add_argument("--dry-run", action="store_true", help="report the matches, assemble nothing")


def dispatch(args: argparse.Namespace, store: Store, ws: Workspace, printer: Printer) -> int | None:
    """Run a handoff command; None when `args.command` is not one of them."""
    if args.command == "export":
        return _export(args, store, ws, printer)
    if args.command == "import-timeline":
        return _import(args, store, ws, printer)
    if args.command == "conform":
        return _conform(args, store, ws, printer)
    return None


def _export(args: argparse.Namespace, store: Store, ws: Workspace, printer: Printer) -> int:
    from genstudio.export.project_timeline import export_project

    project = store.find_project(args.project)
    chosen = args.format or ["all"]
    formats = list(FORMATS) if "all" in chosen else chosen
    done = asyncio.run(export_project(store, ws, project.id, out_dir=args.out, formats=formats))
    printer.line(f"{done.clips} clips, {done.duration:.2f} s")
    for path in done.files.values():
        printer.line(f"Wrote {path}")
    if done.subtitles:
        printer.line(f"Wrote {done.subtitles}")
    return 0


def _import(args: argparse.Namespace, store: Store, ws: Workspace, printer: Printer) -> int:
    from genstudio.export.otio_import import import_timeline

    project = store.find_project(args.project)
    result = asyncio.run(import_timeline(store, ws, project.id, args.file, dry_run=args.dry_run))
    verb = "would " if args.dry_run else ""
    if result.reordered:
        printer.line(f"Scene order {verb}become: {' '.join(map(str, result.order))} (old numbers)")
    for trim in result.trims:
        (a, b), (c, d) = trim.before, trim.after
        printer.line(
            f"Scene {trim.scene_number}: {verb}use {c:.2f}-{d:.2f} s of its clip "
            f"(was {a:.2f}-{b:.2f})"
        )
    for number, take_id in result.selected:
        printer.line(f"Scene {number}: {verb}select take {take_id[:8]}")
    for warning in result.warnings:
        printer.line(f"warning: {warning}")
    if not result.changed:
        printer.line("Nothing to change: the timeline matches the project.")
    elif not args.dry_run:
        printer.line("Saved. Run `genstudio assemble` to render the edited film.")
    return 0


def _conform(args: argparse.Namespace, store: Store, ws: Workspace, printer: Printer) -> int:
    from genstudio.export.conform import conform_folder, conform_project

    out = Path(args.out).expanduser()
    if out.is_dir():
        out = out / f"{args.folder.name or 'film'}.mp4"
    if args.project:
        project = store.find_project(args.project)
        result = asyncio.run(
            conform_project(store, ws, project.id, args.folder, out, dry_run=args.dry_run)
        )
        total = len(result.matches) + len(result.scenes_without_clip)
        printer.line(f"Matched {len(result.matches)} of {total} scenes:")
        for match in result.matches:
            printer.line(
                f"  scene {match.scene_number:>3} <- {match.clip.path.name}  "
                f"confidence {match.confidence:.2f}: {'; '.join(match.evidence)}"
            )
    else:
        result = conform_folder(args.folder, out, transition=args.transition, dry_run=args.dry_run)
        printer.line(f"{len(result.matches)} clips in name order:")
        for match in result.matches:
            printer.line(
                f"  {match.scene_number:>3}. {match.clip.path.name} ({match.clip.seconds:.2f} s)"
            )
    if result.scenes_without_clip:
        printer.line(f"Scenes without a clip: {', '.join(map(str, result.scenes_without_clip))}")
    if result.clips_without_scene:
        names = ", ".join(p.name for p in result.clips_without_scene)
        printer.line(f"Clips without a scene: {names}")
    for bad in result.rejected:
        printer.line(f"Not used: {bad.path.name}: {bad.reason}")
    for warning in result.warnings:
        printer.line(f"warning: {warning}")
    if result.film is not None:
        printer.line(f"Film:      {result.film.path} ({result.film.duration:.2f} s)")
        if result.film.srt_path:
            printer.line(f"Subtitles: {result.film.srt_path}")
    if result.timeline_file is not None:
        printer.line(f"Timeline:  {result.timeline_file}")
    return 0 if (result.film is not None or args.dry_run) else 1
