"""The `genstudio` command line: the same engine API the window uses."""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from genstudio import __version__, cli_handoff, cli_review
from genstudio.cli_output import Printer, print_status
from genstudio.concurrency import shutdown_pools
from genstudio.errors import GenStudioError
from genstudio.events import EventBus
from genstudio.fsutil import atomic_path
from genstudio.models import Approval, Aspect, ProjectStatus
from genstudio.pipeline import Pipeline, RunOutcome
from genstudio.pipeline.runner import approve_plan
from genstudio.projects import new_project_from_fountain, new_project_from_idea
from genstudio.resources import resource_path
from genstudio.store import Store
from genstudio.workspace import Workspace

log = logging.getLogger("genstudio")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="genstudio", description=__doc__)
    parser.add_argument("--version", action="version", version=f"genstudio {__version__}")
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $GENSTUDIO_HOME or the OS user data dir)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="make a film offline from the bundled sample screenplay")
    demo.add_argument("--out", metavar="FILE", help="copy the finished film here")
    demo.add_argument("--spanish", action="store_true", help="use the Spanish sample")

    new = sub.add_parser("new", help="create a project from an idea")
    new.add_argument("title")
    new.add_argument("--idea", required=True, help="the idea, in a sentence or a page")
    _project_options(new)
    new.add_argument("--duration", type=float, default=60.0, help="target seconds (default 60)")

    imp = sub.add_parser("import", help="create a project from a Fountain screenplay")
    imp.add_argument("file", type=Path)
    imp.add_argument("--title")
    _project_options(imp)

    plan = sub.add_parser("plan", help="run the planning steps and show the storyboard")
    plan.add_argument("project")

    approve = sub.add_parser("approve", help="approve the plan, or scenes")
    approve.add_argument("project")
    approve.add_argument(
        "--scene",
        type=int,
        action="append",
        metavar="N",
        help="approve scene N (repeatable); default: the plan and all scenes",
    )
    approve.add_argument(
        "--request-changes", type=int, metavar="N", help="request changes on scene N instead"
    )
    approve.add_argument("--note", default="", help="the note for --request-changes")

    gen = sub.add_parser("generate", help="run the pipeline to a finished film")
    gen.add_argument("project")
    gen.add_argument("--auto-approve", action="store_true", help="approve the plan if needed")

    asm = sub.add_parser("assemble", help="(re)assemble the film from the selected takes")
    asm.add_argument("project")
    asm.add_argument("--out", metavar="FILE", help="copy the film here too")

    jobs = sub.add_parser("retry-job", help="queue a failed or in-doubt job again (may be billed)")
    jobs.add_argument("job", help="job id or id prefix (see `genstudio status PROJECT`)")

    status = sub.add_parser("status", help="projects, or one project's steps and scenes")
    status.add_argument("project", nargs="?")
    cli_handoff.register(sub)  # export, import-timeline, conform
    cli_review.register(sub)  # review export|import, pdf
    _accept_global_options_anywhere(parser)
    return parser


def _accept_global_options_anywhere(parser: argparse.ArgumentParser) -> None:
    """Let `--workspace DIR` and `-v` follow the command too (`genstudio demo --workspace W`):
    people type options after the command, and argparse only takes them before it. SUPPRESS
    keeps a sub-command from resetting a value given before the command."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for child in action.choices.values():
            child.add_argument(
                "--workspace", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
            )
            child.add_argument(
                "-v",
                "--verbose",
                action="store_true",
                default=argparse.SUPPRESS,
                help=argparse.SUPPRESS,
            )
            _accept_global_options_anywhere(child)


def _project_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--genre", default="")
    p.add_argument("--aspect", choices=[a.value for a in Aspect], default="landscape")
    p.add_argument("--language", default="en", help="dialogue language, e.g. en or es")


def _copy_out(src: Path, dest: str) -> Path:
    target = Path(dest).expanduser()
    if target.is_dir():
        target = target / src.name
    with atomic_path(target) as tmp:
        shutil.copyfile(src, tmp)
    srt = src.with_suffix(".srt")
    if srt.is_file():
        with atomic_path(target.with_suffix(".srt")) as tmp:
            shutil.copyfile(srt, tmp)
    return target


def _report(outcome: RunOutcome, out: str | None, printer: Printer) -> int:
    if outcome.status is ProjectStatus.AWAITING_APPROVAL:
        printer.line("The plan is ready for review. Approve it with `genstudio approve PROJECT`.")
        return 0
    for warning in outcome.warnings:
        printer.line(f"warning: {warning}")
    if outcome.film is None:
        printer.line(f"No film was made ({outcome.status.value}).")
        return 1
    film = _copy_out(outcome.film, out) if out else outcome.film
    printer.line(f"Film:      {film}")
    if outcome.subtitles:
        printer.line(f"Subtitles: {film.with_suffix('.srt') if out else outcome.subtitles}")
    if outcome.poster:
        printer.line(f"Poster:    {outcome.poster}")
    if outcome.thumbnail:
        printer.line(f"Thumbnail: {outcome.thumbnail}")
    if outcome.failed_scenes:
        printer.line(f"Failed scenes: {', '.join(map(str, outcome.failed_scenes))}")
    printer.line(f"Status:    {outcome.status.value}")
    return 0 if outcome.status is not ProjectStatus.FAILED else 1


async def _run_pipeline(
    store: Store, ws: Workspace, project_id: str, *, auto_approve: bool, plan_only: bool = False
) -> RunOutcome:
    from genstudio.session import EngineSession

    events = EventBus()
    printer = Printer()
    events.subscribe(printer.on_event)
    session = EngineSession(store, ws, events=events)
    try:
        providers = session.providers()
        report = await session.start()  # resume what a previous process left running
        if report and (report.in_doubt or report.quarantined):
            printer.line(
                f"warning: {len(report.in_doubt)} jobs may have been charged without a result "
                f"and {len(report.quarantined)} were set aside; see `genstudio status`"
            )
        pipeline = Pipeline(
            store, ws, project_id, providers=providers, events=events, auto_approve=auto_approve
        )
        return await (pipeline.plan() if plan_only else pipeline.run())
    finally:
        await session.close()


def _dispatch(args: argparse.Namespace, store: Store, ws: Workspace) -> int:
    printer = Printer()
    cmd = args.command
    handled = cli_handoff.dispatch(args, store, ws, printer)
    if handled is None:
        handled = cli_review.dispatch(args, store, ws, printer)
    if handled is not None:
        return handled
    if cmd == "demo":
        sample = resource_path(
            "samples/demo_es.fountain" if args.spanish else "samples/demo.fountain"
        )
        project = new_project_from_fountain(
            store, ws, sample, language="es" if args.spanish else "en"
        )
        printer.line(f"Project {project.title!r} ({project.id[:8]}) in {ws.root}")
        started = time.monotonic()
        outcome = asyncio.run(_run_pipeline(store, ws, project.id, auto_approve=True))
        printer.line(f"Made in {time.monotonic() - started:.1f} s")
        return _report(outcome, args.out, printer)
    if cmd == "new":
        project = new_project_from_idea(
            store,
            ws,
            title=args.title,
            idea=args.idea,
            genre=args.genre,
            target_duration=args.duration,
            aspect=Aspect(args.aspect),
            language=args.language,
        )
        printer.line(f"Created {project.title!r} ({project.id[:8]})")
        return 0
    if cmd == "import":
        project = new_project_from_fountain(
            store,
            ws,
            args.file,
            title=args.title,
            genre=args.genre,
            aspect=Aspect(args.aspect),
            language=args.language,
        )
        printer.line(f"Imported {args.file} as {project.title!r} ({project.id[:8]})")
        return 0
    if cmd == "status":
        print_status(store, args.project, printer)
        return 0
    if cmd == "retry-job":
        from genstudio.engine.engine import mark_for_retry

        matches = [j for j in store.list_jobs() if j.id.startswith(args.job.strip())]
        if len(matches) != 1:
            raise GenStudioError(f"{args.job!r} matches {len(matches)} jobs; give more of the id")
        job = mark_for_retry(store, matches[0].id)
        printer.line(
            f"Job {job.id[:8]} ({job.kind} at {job.provider}) is queued again; "
            "`genstudio generate` runs it"
        )
        return 0
    project = store.find_project(args.project)
    if cmd == "plan":
        asyncio.run(_run_pipeline(store, ws, project.id, auto_approve=False, plan_only=True))
        print_status(store, project.id, printer)
        return 0
    if cmd == "approve":
        return _approve(store, project.id, args, printer)
    if cmd == "generate":
        outcome = asyncio.run(_run_pipeline(store, ws, project.id, auto_approve=args.auto_approve))
        return _report(outcome, None, printer)
    if cmd == "assemble":
        from genstudio.pipeline.assemble_only import assemble_project

        outcome = asyncio.run(assemble_project(store, ws, project.id))
        return _report(outcome, args.out, printer)
    raise AssertionError(cmd)


def _approve(store: Store, project_id: str, args: argparse.Namespace, printer: Printer) -> int:
    scenes = {s.number: s for s in store.list_scenes(project_id)}
    if args.request_changes is not None:
        scene = scenes.get(args.request_changes)
        if scene is None:
            raise GenStudioError(f"no scene {args.request_changes} (scenes 1-{len(scenes)})")
        scene.approval, scene.approval_note = Approval.CHANGES_REQUESTED, args.note
        store.save_scene(project_id, scene)
        printer.line(f"Scene {scene.number}: changes requested")
        return 0
    if args.scene:
        missing = [n for n in args.scene if n not in scenes]
        if missing:
            raise GenStudioError(f"no scene {missing[0]} (scenes 1-{len(scenes)})")
        for number in args.scene:
            scenes[number].approval = Approval.APPROVED
            store.save_scene(project_id, scenes[number])
        printer.line(f"Approved scenes {', '.join(map(str, args.scene))}")
        return 0
    if not scenes:
        raise GenStudioError("there is no plan to approve yet: run `genstudio plan` first")
    count = approve_plan(store, project_id)
    printer.line(f"Plan approved ({count} scenes approved)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    store: Store | None = None
    try:
        ws = Workspace.open(args.workspace)
        store = Store(ws.db_path)
        return _dispatch(args, store, ws)
    except (GenStudioError, ValueError) as exc:
        print(f"genstudio: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("genstudio: interrupted; run the same command again to resume", file=sys.stderr)
        return 130
    finally:
        shutdown_pools()
        if store is not None:
            store.close()


if __name__ == "__main__":
    sys.exit(main())
