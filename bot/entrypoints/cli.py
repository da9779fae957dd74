"""The `repcoach` command."""

from __future__ import annotations

import argparse
import csv
import json
import logging
import re
import signal
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn, cast

from sqlalchemy import select

from bot.after_answer import wait_until_done
from bot.delivery.sender import OutboxSender
from bot.deps import utc_now
from bot.dev.content_check import template_faults
from bot.entrypoints.arguments import port, row_id, workers
from bot.entrypoints.bootstrap import CommandError, bootstrap
from bot.entrypoints.scheduler import start_scheduler
from bot.entrypoints.settings import Settings, SettingsError, configure_logging, load_settings
from bot.jobs import JOBS, sync_helpdesk
from bot.slack.erasure import erase_in_slack
from coaching import db, outbox
from coaching.definition import default_definition
from coaching.effects import Effect
from coaching.feedback import metric_stats, practice_stats
from coaching.helpdesk.agents import unmatched_agents
from coaching.helpdesk.connector import SOURCES
from coaching.helpdesk.days import counted_tickets
from coaching.helpdesk.syncs import SyncStatus, sync_statuses
from coaching.imports import ImportFault, ImportReport, import_outcomes, is_workspace_id
from coaching.library import (
    LANGUAGES,
    PRACTICES_DIR,
    LibraryError,
    coverage_faults,
    default_library,
    load_library,
)
from coaching.models import HelpdeskAgent, OutboxMessage, Team
from coaching.outcomes import EXPORT_COLUMNS, export_rows
from coaching.privacy import export_workspace, forget, prune_expired, workspaces
from coaching.reps import find_rep
from coaching.teams import find_team, teams_named

PROMPT_TEXT = "repcoach> "
# How long `serve` waits, as it stops, for work left after answers (a DM drain, a form) to finish.
AFTER_ANSWER_GRACE_SECONDS = 10
# How far back `helpdesk sync --since` may start over: a year of tickets.
MAX_SINCE_DAYS = 366
logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    # Piped into `head`, stop quietly like any other command-line tool.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging()
    try:
        settings = load_settings()
        return args.run(settings, args) or 0
    except SettingsError as error:
        print(f"repcoach: {error}", file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"repcoach: {error}", file=sys.stderr)
        return 1


class Parser(argparse.ArgumentParser):
    """argparse, with its refusals on one line like every other fault of the command (its usage is in --help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="repcoach", description="RepCoach: a Slack bot that coaches service reps.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="a full RepCoach week on this machine, with no Slack workspace")
    demo.add_argument(
        "--out", type=Path, default=Path("demo-out"), help="where to write the pages, charts and database"
    )
    demo.set_defaults(run=run_demo_command)

    shell = commands.add_parser("shell", help="type slash commands as a user and see the answers, with no Slack")
    shell.add_argument("--user", default="U0YOU", help="the Slack user id to act as")
    shell.add_argument("--tz", default="UTC", help="their timezone, like Europe/Rome")
    shell.add_argument("--locale", default="en-US", help="their Slack locale; it-IT gets Italian tips")
    shell.set_defaults(run=run_shell_command)

    serve = commands.add_parser("serve", help="serve Slack's requests over HTTP at /slack/events")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port, default=3000)
    serve.add_argument("--no-migrate", action="store_true", help="do not upgrade the database at start")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run scheduled jobs in this process")
    serve.add_argument(
        "--workers",
        type=workers,
        default=1,
        help="processes answering requests on PostgreSQL, about one per core (default 1); "
        "scheduled jobs run in the parent",
    )
    serve.set_defaults(run=run_serve)

    socket = commands.add_parser("socket", help="the same app over Socket Mode, for development")
    socket.add_argument("--no-migrate", action="store_true", help="do not upgrade the database at start")
    socket.set_defaults(run=run_socket)

    database = commands.add_parser("db", help="database migrations").add_subparsers(required=True, metavar="ACTION")
    database.add_parser("upgrade", help="upgrade the schema to the latest revision").set_defaults(run=run_db_upgrade)
    database.add_parser("current", help="show the schema's revision").set_defaults(run=run_db_current)
    database.add_parser("prune", help="delete logged days older than RETENTION_MONTHS").set_defaults(run=run_db_prune)

    export = commands.add_parser("export", help="export stored data as CSV").add_subparsers(
        required=True, metavar="WHAT"
    )
    outcomes = export.add_parser("outcomes", help="logged days, one row per rep and day")
    outcomes.add_argument("--since", type=iso_date, help="first day, YYYY-MM-DD")
    outcomes.add_argument("--until", type=iso_date, help="last day, YYYY-MM-DD")
    outcomes.add_argument("--workspace", help="only this Slack workspace (team) id; by default every workspace")
    outcomes.add_argument("--team", help="only this team's members (a team name, within --workspace if given)")
    outcomes.add_argument("--out", type=Path, help="write to FILE instead of standard output")
    outcomes.set_defaults(run=run_export_outcomes)

    imports = commands.add_parser("import", help="import data from CSV").add_subparsers(required=True, metavar="WHAT")
    imported = imports.add_parser(
        "outcomes", help="logged days in the format `export outcomes` writes, checked as /log checks them"
    )
    imported.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file, or - for standard input")
    imported.add_argument(
        "--workspace", type=workspace_id, help="the Slack workspace (team) id of a file without a workspace_id column"
    )
    imported.add_argument(
        "--dry-run", action="store_true", help="check the file and say what would change; store nothing"
    )
    imported.set_defaults(run=run_import_outcomes)

    everything = export.add_parser("workspace", help="everything a workspace owns, as JSON")
    everything.add_argument("--workspace", help="the Slack workspace (team) id; needed when there are several")
    everything.add_argument("--out", type=Path, help="write to FILE instead of standard output")
    everything.set_defaults(run=run_export_workspace)

    users = commands.add_parser("user", help="people's data").add_subparsers(required=True, metavar="ACTION")
    forget_user = users.add_parser("forget", help="erase a person's outcomes, feedback and queued messages")
    forget_user.add_argument("user", help="their Slack user id, like U012ABCDEF")
    forget_user.add_argument("--workspace", help="the Slack workspace (team) id; needed when there are several")
    forget_user.set_defaults(run=run_user_forget)

    jobs = commands.add_parser("jobs", help="scheduled jobs").add_subparsers(required=True, metavar="ACTION")
    run = jobs.add_parser("run", help="run a job once")
    run.add_argument("job", choices=list(JOBS))
    run.add_argument("--at", type=iso_datetime, help="as if the clock read this ISO date-time (default: now)")
    run.set_defaults(run=run_job)

    box = commands.add_parser("outbox", help="scheduled messages still pending, or failed, and why")
    box.add_argument(
        "--status", choices=["pending", "sending", "sent", "failed"], help="only these (default: all not sent)"
    )
    box.set_defaults(run=run_outbox_list)
    box_actions = box.add_subparsers(metavar="ACTION")
    retry = box_actions.add_parser("retry", help="send a failed message again")
    retry.add_argument("id", type=row_id)
    retry.set_defaults(run=run_outbox_retry)

    helpdesk = commands.add_parser(
        "helpdesk", help="figures imported from Zendesk or Freshdesk (docs/helpdesk.md)"
    ).add_subparsers(required=True, metavar="ACTION")
    sync = helpdesk.add_parser("sync", help="import what changed in a helpdesk since its last sync, now")
    sync.add_argument("source", choices=list(SOURCES), help="the helpdesk")
    sync.add_argument(
        "--since", type=iso_date, help="start over from this day (YYYY-MM-DD); days before it stay as they are"
    )
    sync.add_argument("--workspace", type=workspace_id, help="the Slack workspace the figures belong to")
    sync.set_defaults(run=run_helpdesk_sync)
    status = helpdesk.add_parser("status", help="each helpdesk's last sync, its failure if any, unmatched agents")
    status.add_argument("--workspace", type=workspace_id, help="the Slack workspace (team) id")
    status.set_defaults(run=run_helpdesk_status)
    tickets = helpdesk.add_parser("tickets", help="the tickets counted for a rep on a day, to check their figures")
    tickets.add_argument("user", help="the rep's Slack user id, like U012ABCDEF")
    tickets.add_argument("day", type=iso_date, help="the rep's day, YYYY-MM-DD")
    tickets.add_argument("--workspace", type=workspace_id, help="the Slack workspace (team) id")
    tickets.set_defaults(run=run_helpdesk_tickets)

    content = commands.add_parser("content", help="the practice library").add_subparsers(
        required=True, metavar="ACTION"
    )
    check = content.add_parser("check", help="validate every practice and template")
    check.add_argument("--dir", type=Path, default=PRACTICES_DIR, help="the practice files to check")
    check.set_defaults(run=run_content_check)
    content.add_parser("stats", help="sends, helpful rate and effect of each practice").set_defaults(
        run=run_content_stats
    )
    return parser


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def workspace_id(text: str) -> str:
    if not is_workspace_id(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Slack workspace id (like T012AB3CD)")
    return text


def iso_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date-time like 2026-11-23T09:30:00+01:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no UTC offset; add one, like {text}+00:00")
    return moment


def run_serve(settings: Settings, args: argparse.Namespace) -> None:
    from bot.entrypoints.web import WORKER_FACTORY, serve, serving_app

    settings.require_credentials()
    if args.workers > 1 and settings.database_url.startswith("sqlite"):
        raise CommandError("SQLite supports a single process; use --workers 1, or PostgreSQL for more")
    runtime = bootstrap(settings, migrate=not args.no_migrate)
    # Built here even when the workers build their own: a refused token stops start-up with one line.
    web_app = serving_app(settings, runtime.engine)
    scheduler = (
        None
        if args.no_scheduler
        else start_scheduler(runtime.deps, settings.scheduler_misfire_grace_seconds, settings.retention_months)
    )
    try:
        serve(web_app, WORKER_FACTORY, args.host, args.port, args.workers)
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)
        if not wait_until_done(timeout=AFTER_ANSWER_GRACE_SECONDS):
            logger.warning("stopped with work after an answer still running")


def run_demo_command(_settings: Settings, args: argparse.Namespace) -> None:
    from rich.console import Console

    from bot.dev.demo import run_demo

    logging.getLogger().setLevel(logging.WARNING)
    run_demo(args.out, Console())


def run_shell_command(settings: Settings, args: argparse.Namespace) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from rich.console import Console

    from bot.dev.shell import run_shell

    try:
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"{args.tz!r} is not a timezone; use a name like Europe/Rome") from None
    runtime = bootstrap(settings, migrate=True)
    logging.getLogger().setLevel(logging.WARNING)
    console = Console()
    lines = iter(lambda: console.input(PROMPT_TEXT), None) if sys.stdin.isatty() else sys.stdin
    run_shell(settings, runtime.engine, args.user, args.tz, args.locale, console, lines)


def run_socket(settings: Settings, args: argparse.Namespace) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import build_app

    settings.require("slack_bot_token", "slack_signing_secret", "slack_app_token")
    bolt_app = build_app(settings, bootstrap(settings, migrate=not args.no_migrate).deps)
    SocketModeHandler(bolt_app, settings.slack_app_token).start()


def run_db_upgrade(settings: Settings, _args: argparse.Namespace) -> None:
    runtime = bootstrap(settings, migrate=True)
    print(f"database at revision {db.current_revision(runtime.engine)}")


def run_db_current(settings: Settings, _args: argparse.Namespace) -> None:
    engine = bootstrap(settings, schema_current=False).engine
    current, head = db.current_revision(engine), db.head_revision(engine)
    state = "up to date" if current == head else f"behind {head}: run `repcoach db upgrade`"
    print(f"{current or 'empty'} ({state})")


def run_db_prune(settings: Settings, _args: argparse.Namespace) -> None:
    settings.require("retention_months")
    with bootstrap(settings).sessions.begin() as session:
        deleted, before = prune_expired(session, cast(int, settings.retention_months), date.today())
    print(f"deleted {deleted} logged days before {before}")


def run_export_outcomes(settings: Settings, args: argparse.Namespace) -> None:
    if args.since and args.until and args.since > args.until:
        raise CommandError(f"--since {args.since} is after --until {args.until}")
    with bootstrap(settings).sessions() as session:
        workspace = None if args.workspace is None else resolve_workspace(session, args.workspace)
        team_id = None if args.team is None else export_team(session, args.team, workspace).id
        rows = export_rows(session=session, since=args.since, until=args.until, workspace_id=workspace, team_id=team_id)
        if args.out is None:
            write_csv(sys.stdout, rows)
            return
        try:
            with args.out.open("w", newline="", encoding="utf-8") as handle:
                write_csv(handle, rows)
        except OSError as error:
            raise CommandError(f"cannot write {args.out}: {error.strerror}") from None


def run_import_outcomes(settings: Settings, args: argparse.Namespace) -> None:
    name = "standard input" if str(args.file) == "-" else str(args.file)
    runtime = bootstrap(settings)
    try:
        source = sys.stdin.buffer if str(args.file) == "-" else args.file.open("rb")
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror}") from None

    def tell(fault: ImportFault) -> None:
        print(f"repcoach: {name} {fault}", file=sys.stderr)

    try:
        # One transaction, committed only when every row is sound: closing the session rolls back the rest.
        with source, runtime.sessions() as session:
            report = import_outcomes(
                session=session,
                source=source,
                workspace_id=args.workspace,
                now=utc_now(),
                dry_run=args.dry_run,
                on_fault=tell,
            )
            if not (report.faults or args.dry_run):
                session.commit()
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror}") from None
    if report.faults:
        raise CommandError(f"nothing imported: {counted(report.faults, 'fault')} in {name}")
    print(import_summary(report, name, dry_run=args.dry_run))


def import_summary(report: ImportReport, name: str, *, dry_run: bool) -> str:
    if not report.changes_anything:
        return f"{name}: nothing to change; {counted(report.rows, 'day')} read, all stored as they are already"
    parts = [
        f"{counted(report.days_added, 'day')} added",
        f"{report.days_changed} changed ({counted(report.figures_changed, 'figure')})",
        f"{report.days_unchanged} unchanged",
        counted(report.reps_added, "new rep"),
    ]
    if dry_run:
        return f"{name}: dry run, nothing stored; importing would give " + ", ".join(parts)
    return f"{name}: imported {counted(report.rows, 'day')}: " + ", ".join(parts)


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def export_team(session, name: str, workspace: str | None) -> Team:
    """The team called `name`: in `workspace`, or the only workspace that has one of that name."""
    if workspace is not None:
        found = find_team(session, name, workspace)
        if found is None:
            raise CommandError(f"there is no team named {name!r} in workspace {workspace}")
        return found
    named = teams_named(session, name)
    if not named:
        raise CommandError(f"there is no team named {name!r}")
    if len(named) > 1:
        listed = ", ".join(team.workspace_id for team in named)
        raise CommandError(f"teams named {name!r} are in several workspaces ({listed}); choose one with --workspace")
    return named[0]


def resolve_workspace(session, chosen: str | None) -> str:
    known = workspaces(session)
    if chosen is not None:
        if chosen not in known:
            raise CommandError(f"there is no workspace {chosen} in this database")
        return chosen
    if len(known) != 1:
        raise CommandError(
            "this database holds several workspaces; choose one with --workspace"
            if known
            else "this database holds no workspace yet"
        )
    return known[0]


def run_user_forget(settings: Settings, args: argparse.Namespace) -> None:
    if not re.fullmatch(r"[UW][A-Z0-9]{2,}", args.user):
        raise CommandError(f"{args.user!r} is not a Slack user id (like U012ABCDEF)")
    runtime = bootstrap(settings)
    with runtime.sessions.begin() as session:
        workspace = resolve_workspace(session, args.workspace)
        erasure = forget(session, workspace, args.user)
        if not erasure.found:
            raise CommandError(f"there is no data about {args.user} in workspace {workspace}")
    print(f"erased everything about {args.user} in workspace {workspace}")
    if not erasure.in_slack:
        return
    if not (settings.slack_bot_token or (settings.distributed and settings.repcoach_secret_key)):
        print(
            f"{len(erasure.in_slack)} messages already delivered in Slack still name them; with SLACK_BOT_TOKEN set, "
            "this command edits or deletes those too"
        )
        return
    done = erase_in_slack(runtime.deps.slack_clients, erasure.in_slack)
    left = f"; {done.left} could not be reached and still name them there" if done.left else ""
    print(f"its copies in Slack: {done.edited} messages edited, {done.deleted} deleted{left}")


def run_export_workspace(settings: Settings, args: argparse.Namespace) -> None:
    with bootstrap(settings).sessions() as session:
        exported = export_workspace(session, resolve_workspace(session, args.workspace))
    text = json.dumps(exported, default=str, indent=1, ensure_ascii=False)
    if args.out is None:
        print(text)
        return
    try:
        args.out.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {args.out}: {error.strerror}") from None


def run_job(settings: Settings, args: argparse.Namespace) -> None:
    settings.require_credentials(receiving=False)
    deps = bootstrap(settings).deps
    job = JOBS[args.job]
    report = job(deps, args.at or deps.now(), wait_for_retries=deps.outbox.lease + deps.outbox.retry_cap)
    delivery = report.delivery
    print(f"{args.job}: {report.planned} planned; outbox: {delivery.sent} sent, {delivery.failed} failed")
    if delivery.failed:
        raise CommandError(f"{delivery.failed} messages could not be sent; `repcoach outbox --status failed` says why")


def run_outbox_list(settings: Settings, args: argparse.Namespace) -> None:
    with bootstrap(settings).sessions() as session:
        messages = outbox.listing(session, args.status)
    if not messages:
        print(f"no {args.status or 'unsent'} messages")
        return
    print(
        f"{'id':>6}  {'status':<8} {'kind':<12} {'recipient':<12} {'attempts':>8}  {'next attempt (UTC)':<19}  reason"
    )
    for message in messages:
        when = outbox.utc(message.next_attempt_at).strftime("%Y-%m-%d %H:%M:%S")
        print(
            f"{message.id:>6}  {message.status:<8} {message.kind:<12} {message.recipient:<12} "
            f"{message.attempts:>8}  {when:<19}  {message.last_error or ''}"
        )


def run_outbox_retry(settings: Settings, args: argparse.Namespace) -> None:
    settings.require_credentials(receiving=False)
    deps = bootstrap(settings).deps
    try:
        with deps.sessions.begin() as session:
            outbox.retry_now(session, args.id, deps.now())
    except outbox.OutboxError as error:
        raise CommandError(str(error)) from None
    report = OutboxSender(deps).send_one(args.id)
    if report.sent:
        print(f"outbox message {args.id} sent")
        return
    with deps.sessions() as session:
        message = session.get_one(OutboxMessage, args.id)
    raise CommandError(f"outbox message {args.id} is {message.status} again: {message.last_error}")


def run_helpdesk_sync(settings: Settings, args: argparse.Namespace) -> None:
    if args.source not in settings.helpdesk_sources:
        needed = (
            "ZENDESK_API_URL, ZENDESK_EMAIL and ZENDESK_API_TOKEN"
            if args.source == "zendesk"
            else ("FRESHDESK_API_URL and FRESHDESK_API_KEY")
        )
        raise CommandError(f"{SOURCES[args.source]} is not configured; set {needed} (docs/helpdesk.md)")
    today = utc_now().date()
    if args.since is not None and not today - timedelta(days=MAX_SINCE_DAYS) <= args.since <= today:
        raise CommandError(f"--since must be a day from {today - timedelta(days=MAX_SINCE_DAYS)} to today")
    runtime = bootstrap(settings)
    [connector] = [each for each in runtime.deps.helpdesk.connectors if each.source == args.source]
    with runtime.sessions() as session:
        workspace = chosen_helpdesk_workspace(session, settings, args)
    # Without Slack credentials the failure is still recorded for `helpdesk status`; admins hear of it from serve.
    slack = bool(settings.slack_bot_token or settings.distributed)
    report = sync_helpdesk(runtime.deps, connector, workspace_id=workspace, since=args.since, notify=slack)
    if not report.ran:
        raise CommandError(f"another process is syncing {connector.label} now; try again in a few minutes")
    print(
        f"{args.source}: {counted(report.agents, 'agent')}, {counted(report.tickets, 'ticket')}, "
        f"{counted(report.ratings, 'rating')} read; {counted(report.days_written, 'rep day')} written"
        + (
            f"; {counted(report.typed_figures_dropped, 'typed figure')} above the imported contacts dropped"
            if report.typed_figures_dropped
            else ""
        )
    )
    if report.failure is not None:
        raise CommandError(f"{args.source} sync stopped: {report.failure}; the next sync resumes after the last page")


def chosen_helpdesk_workspace(session, settings: Settings, args: argparse.Namespace) -> str:
    """--workspace, else HELPDESK_WORKSPACE_ID, else the database's only workspace."""
    return args.workspace or settings.helpdesk_workspace_id or resolve_workspace(session, None)


def run_helpdesk_status(settings: Settings, args: argparse.Namespace) -> None:
    configured = set(settings.helpdesk_sources)
    with bootstrap(settings).sessions() as session:
        workspace = chosen_helpdesk_workspace(session, settings, args)
        statuses = {status.source: status for status in sync_statuses(session, workspace)}
        unmatched = unmatched_agents(session, workspace)
    if not configured and not statuses:
        print(
            "no helpdesk is configured: set ZENDESK_API_URL or FRESHDESK_API_URL and its credentials (docs/helpdesk.md)"
        )
        return
    for source in sorted(configured | statuses.keys()):
        print(helpdesk_status_line(source, statuses.get(source), configured=source in configured))
    if unmatched:
        print(f"{counted(len(unmatched), 'agent')} matched to no rep (link with /coach helpdesk link @rep EMAIL):")
        for agent in unmatched:
            print(f"  {agent.source} {agent.agent_id} {agent.name} <{agent.email or 'no email'}>")
    if any(not status.healthy for status in statuses.values()):
        raise CommandError("a helpdesk sync is failing; see above")


def run_helpdesk_tickets(settings: Settings, args: argparse.Namespace) -> None:
    with bootstrap(settings).sessions() as session:
        workspace = chosen_helpdesk_workspace(session, settings, args)
        rep = find_rep(session, workspace, args.user)
        if rep is None:
            raise CommandError(f"there is no rep {args.user} in workspace {workspace}")
        sources = session.scalars(
            select(HelpdeskAgent.source).where(HelpdeskAgent.rep_id == rep.id).distinct().order_by(HelpdeskAgent.source)
        ).all()
        if not sources:
            raise CommandError(f"{args.user} is matched to no helpdesk agent; `repcoach helpdesk status` lists them")
        for source in sources:
            solved = counted_tickets(session, workspace_id=workspace, source=source, rep_id=rep.id, days={args.day})
            print(f"{source}: {counted(len(solved), 'ticket')} solved by {args.user} on {args.day}")
            for ticket in solved:
                marks = [
                    "first contact" if ticket.first_contact else "",
                    "reopened" if ticket.reopened else "",
                    "complaint" if ticket.complaint else "",
                    "rated " + ", ".join(f"{score:g}" for score in ticket.scores) if ticket.scores else "",
                ]
                shown = "; ".join(mark for mark in marks if mark)
                print(f"  #{ticket.ticket_id} solved {ticket.solved_at:%H:%M} UTC" + (f": {shown}" if shown else ""))


def helpdesk_status_line(source: str, status: SyncStatus | None, *, configured: bool) -> str:
    if status is None:
        return f"{source}: configured, not synced yet"
    line = (
        f"{source}: last success {_utc_minute(status.succeeded_at)}; {counted(status.tickets, 'ticket')}, "
        f"{counted(status.ratings, 'rating')}; {status.agents_matched} of {counted(status.agents, 'agent')} matched; "
        f"days from {status.backfill_from}"
    )
    if not configured:
        line += "; no longer configured"
    if not status.healthy:
        line += f"\n  failing since {_utc_minute(status.failed_at)} ({status.failure_kind}): {status.failure}"
    return line


def _utc_minute(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


def run_content_check(settings: Settings, args: argparse.Namespace) -> None:
    definition = default_definition()
    try:
        library = load_library(args.dir, set(definition.by_key()))
    except LibraryError as error:
        raise CommandError(f"the practice library has {len(error.faults)} faults:\n" + str(error)) from None
    thin = coverage_faults(library, definition.by_key())
    if thin:
        raise CommandError(f"the practice library is too thin for {len(thin)} metrics:\n" + "\n".join(thin))
    faults = template_faults(library, definition)
    if faults:
        raise CommandError(f"{len(faults)} messages fail to render:\n" + "\n".join(faults))
    print(f"{len(library.practices)} practices in {len(LANGUAGES)} languages: all valid")


def run_content_stats(settings: Settings, _args: argparse.Namespace) -> None:
    runtime = bootstrap(settings)
    definition = default_definition()
    with runtime.sessions() as session:
        stats = practice_stats(session, default_library(), definition)
        metrics = metric_stats(session, definition)
    print(
        "effect: the focus metric's change over the 14 days after a nudge, less the same change on randomly"
        " held-out days with the same focus, as a share of the team's target; 95% interval; n nudges / held-out days"
    )
    print(f"{'metric':<44} {'nudges':>6} {'held out':>8}  effect")
    for row in metrics:
        print(f"{row.metric:<44} {row.nudges:>6} {row.held_out:>8}  {effect_text(row.measured)}")
    print(f"\n{'practice':<44} {'sends':>5} {'helpful':>8}  effect")
    for practice in sorted(stats, key=lambda row: (-row.sends, row.practice_id)):
        helpful = "-" if practice.helpful_rate is None else f"{practice.helpful_rate:.0%}"
        print(f"{practice.practice_id:<44} {practice.sends:>5} {helpful:>8}  {effect_text(practice.measured)}")


def effect_text(effect: Effect | None) -> str:
    """An effect only with its interval and n, and only once the evidence is in (`Effect.shown`)."""
    if effect is None:
        return "not enough evidence yet"
    sizes = f"n={effect.n}/{effect.held_out}"
    interval = f"95% interval {effect.low:+.3f} to {effect.high:+.3f}"
    if not effect.shown:
        return f"not enough evidence yet ({interval}, {sizes})"
    return f"{effect.estimate:+.3f} ({interval}, {sizes})"


def write_csv(handle, rows) -> None:
    writer = csv.writer(handle)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)


if __name__ == "__main__":
    sys.exit(main())
