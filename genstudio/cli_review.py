"""`genstudio review export|import` and `genstudio pdf`: the review bundle and the storyboard
sheets from the command line. Heavy modules load only when one of these commands runs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from genstudio.cli_output import Printer
from genstudio.store import Store
from genstudio.workspace import Workspace


def register(subparsers: Any) -> None:
    """Add `review` and `pdf` to the `genstudio` command's subparsers."""
    review = subparsers.add_parser(
        "review", help="export a review bundle for an offline reviewer, or import their review"
    )
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export",
        help="write the review bundle (contact sheet, PDF, animatic, scene states)",
    )
    export.add_argument("project")
    export.add_argument(
        "--out",
        metavar="DIR|FILE.zip",
        help="a folder, or a .zip file (default: the project's exports/<title>-review folder)",
    )
    export.add_argument(
        "--no-animatic", action="store_true", help="leave out the low-res animatic (faster)"
    )
    imp = actions.add_parser("import", help="apply a reviewer's review.json (or a .zip with it)")
    imp.add_argument("project")
    imp.add_argument("file", type=Path, metavar="FILE(.json|.zip)")

    pdf = subparsers.add_parser("pdf", help="print the storyboard as A4 landscape PDF sheets")
    pdf.add_argument("project")
    pdf.add_argument(
        "--out", metavar="FILE.pdf", help="default: the project's exports/storyboard.pdf"
    )


def _progress_printer(printer: Printer, label: str) -> Any:
    last = {"tenth": -1}

    def progress(fraction: float) -> None:
        tenth = int(fraction * 10)
        if tenth > last["tenth"]:
            last["tenth"] = tenth
            printer.line(f"[{label}] {fraction * 100:3.0f}%")

    return progress


def dispatch(
    args: argparse.Namespace, store: Store, workspace: Workspace, printer: Printer
) -> int | None:
    """Run `review`/`pdf`; None when `args` is another command."""
    if args.command == "pdf":
        from genstudio.export.storyboard_pdf import write_storyboard_pdf

        project = store.find_project(args.project)
        out = (
            Path(args.out).expanduser()
            if args.out
            else workspace.project_dir(project.folder) / "exports" / "storyboard.pdf"
        )
        if out.is_dir():
            out = out / "storyboard.pdf"
        write_storyboard_pdf(store, workspace, project.id, out)
        printer.line(f"Storyboard: {out}")
        return 0
    if args.command != "review":
        return None
    project = store.find_project(args.project)
    if args.review_command == "export":
        from genstudio.export.review_bundle import export_review_bundle

        result = export_review_bundle(
            store,
            workspace,
            project.id,
            args.out,
            animatic=not args.no_animatic,
            progress=_progress_printer(printer, "review bundle"),
        )
        for warning in result.warnings:
            printer.line(f"warning: {warning}")
        animatic = (
            f"animatic {result.animatic_seconds:.1f} s"
            if result.animatic_seconds is not None
            else "no animatic"
        )
        printer.line(
            f"Review bundle: {result.path} ({result.scenes} scenes, {animatic}, "
            f"{result.size_bytes / 1e6:.1f} MB)"
        )
        printer.line("Send it to the reviewer: they open index.html and click “Save review”.")
        return 0
    from genstudio.export.review_import import import_review_file

    report = import_review_file(store, project.id, args.file)
    for line in report.summary():
        printer.line(line)
    return 0
