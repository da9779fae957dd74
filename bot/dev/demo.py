"""`repcoach demo`: a whole RepCoach week on this machine, with no Slack workspace.

Two teams in several timezones and both languages log eight weeks of days: Roma Care mostly in Italian (its
channel too), with one English rep, and Pacific Support in English. Everyone gets the welcome on joining; then the
ticket figures of Pacific Support's last two weeks are imported from a local Zendesk stand-in through the real
sync; the real jobs run against the local Slack stand-in (the week's coaching messages, a kudos post in each team on
Wednesday, recognition on Friday afternoon, the leads' summaries on Monday morning), and every message they sent is
shown in the terminal and written as an HTML page under the output folder, with the charts as PNG files.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel
from rich.progress import track
from sqlalchemy import select

from bot.delivery.pacing import ChannelPacer, TokenBucket
from bot.delivery.queue import queue_kudos, queue_welcome
from bot.deps import Deps
from bot.dev.local_helpdesk import LocalHelpdesk
from bot.dev.local_slack import LocalSlack
from bot.dev.local_zendesk import API_TOKEN as ZENDESK_TOKEN
from bot.dev.local_zendesk import EMAIL as ZENDESK_EMAIL
from bot.dev.local_zendesk import LocalZendesk
from bot.dev.preview import to_html, to_terminal
from bot.jobs import JOBS, sync_helpdesk
from bot.slack.client import WorkspaceClients
from coaching import db
from coaching.answers import answer_nudge
from coaching.helpdesk.connector import Helpdesks
from coaching.helpdesk.http import RetryPolicy
from coaching.helpdesk.zendesk import zendesk_connector
from coaching.kudos import give_kudos
from coaching.models import DayLog, Nudge
from coaching.nudges import Feedback
from coaching.outcomes import record_day
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team

WORKSPACE = "T0DEMO"
WEEKS = 8


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    tz: str
    locale: str
    # The metric this rep is working on, or None for someone already on target.
    weak: str | None = None


TEAMS = [
    (
        "Roma Care",
        "C0ROMA",
        Person("U0GIULIA", "Giulia", "Europe/Rome", "it-IT"),
        [
            Person("U0MARCO", "Marco", "Europe/Rome", "it-IT", "fcr"),
            Person("U0SOFIA", "Sofia", "Europe/Rome", "it-IT", "csat"),
            Person("U0LUCA", "Luca", "Europe/London", "en-GB", "upsells"),
            Person("U0CHIARA", "Chiara", "Europe/Rome", "it-IT"),
        ],
    ),
    (
        "Pacific Support",
        "C0PACIFIC",
        Person("U0MAYA", "Maya", "America/Los_Angeles", "en-US"),
        [
            Person("U0JAMES", "James", "America/Los_Angeles", "en-US", "aht"),
            Person("U0PRIYA", "Priya", "America/Denver", "en-US", "recommit"),
            Person("U0DIEGO", "Diego", "America/New_York", "en-US", "complaints"),
            Person("U0EMMA", "Emma", "America/Los_Angeles", "en-US"),
        ],
    ),
]


# Wednesday's kudos in each team: (giver, receiver, reason as they typed it).
KUDOS = [
    ("U0MARCO", "U0SOFIA", "aver risolto al primo contatto un reclamo difficile"),
    ("U0JAMES", "U0EMMA", "taking over a tricky escalation"),
]


def simulated_day(rng: random.Random, weak: str | None, week: int) -> dict:
    """One plausible day; a weak spot starts well off target and gets a little better each week."""
    contacts = rng.randint(22, 38)

    def share(field: str, usual: float, weak_start: float) -> int:
        rate = weak_start + (usual - weak_start) * week / (2 * WEEKS) if weak == field else usual
        return max(0, min(contacts, round(contacts * rng.gauss(rate, rate / 6))))

    def average(field: str, usual: float, weak_start: float, spread: float) -> float:
        mean = weak_start + (usual - weak_start) * week / (2 * WEEKS) if weak == field else usual
        return rng.gauss(mean, spread)

    return {
        "contacts": contacts,
        "fcr": share("fcr", 0.85, 0.64),
        "repeat": share("repeat", 0.07, 0.16),
        "csat": round(min(5.0, average("csat", 4.65, 4.1, 0.08)), 2),
        "aht": round(average("aht", 7.1, 11.0, 0.4), 1),
        "complaints": share("complaints", 0.008, 0.06),
        "upsells": share("upsells", 0.07, 0.02),
        "crosssells": share("crosssells", 0.07, 0.02),
        "referrals": share("referrals", 0.13, 0.04),
        "recommit": share("recommit", 0.36, 0.18),
        "practices": rng.randint(0, 2),
    }


def run_demo(out: Path, console: Console) -> None:
    started = datetime.now(UTC)
    if out.exists():
        shutil.rmtree(out)
    (out / "messages").mkdir(parents=True)
    engine = db.make_engine(f"sqlite:///{out / 'demo.db'}")
    db.upgrade(engine)
    sessions = db.make_sessions(engine)
    slack = LocalSlack().start()
    people = {person.user_id: person for _, _, lead, reps in TEAMS for person in (lead, *reps)}
    for person in people.values():
        slack.add_user(person.user_id, tz=person.tz, locale=person.locale)
    deps = Deps(
        sessions,
        bucket=TokenBucket(60_000, burst=1000),
        pacer=ChannelPacer(interval=0),
        clients=WorkspaceClients(slack.api_url, timeout=10, token="xoxb-demo"),
    )

    monday = date.today() - timedelta(days=date.today().weekday())
    first_day = monday - timedelta(weeks=WEEKS)
    rng = random.Random(42)
    with sessions.begin() as session:
        for name, channel, lead, reps in TEAMS:
            team = create_team(session, WORKSPACE, name, channel)
            for person in (lead, *reps):
                rep = get_or_create_rep(session, WORKSPACE, person.user_id)
                rep.locale = person.locale
                add_member(session, team, rep, is_lead=person is lead)
                queue_welcome(session=session, deps=deps, rep=rep)
    for week in track(range(WEEKS), description="Simulating eight weeks of logged days", console=console):
        with sessions.begin() as session:
            for _, _, _, reps in TEAMS:
                for person in reps:
                    rep = get_or_create_rep(session, WORKSPACE, person.user_id)
                    for weekday in range(5):
                        day = first_day + timedelta(weeks=week, days=weekday)
                        record_day(session, rep.id, day, simulated_day(rng, person.weak, week), started)

    import_pacific_tickets(sessions, deps, console)

    # Last week's coaching cycle day by day, reps answering some of it, then this Monday's summaries.
    last_monday = monday - timedelta(weeks=1)
    for offset in range(5):
        day = datetime.combine(last_monday + timedelta(days=offset), datetime.min.time(), UTC)
        # Hourly is often enough: a message can go out up to three hours after its time.
        if offset == 2:
            give_some_kudos(sessions, deps, day)
        sweep(deps, day, hours=24, every=timedelta(hours=1))
        answer_some(sessions, rng)
    sweep(deps, datetime.combine(monday, datetime.min.time(), UTC) - timedelta(hours=12), hours=36)
    slack.stop()

    pages = show(slack, people, out, console)
    console.print(
        f"\n[bold]{pages} messages[/bold] written to {out / 'messages'} (open {out / 'index.html'}); "
        f"the database is {out / 'demo.db'}. Took {(datetime.now(UTC) - started).total_seconds():.0f} s."
    )


def import_pacific_tickets(sessions, deps: Deps, console: Console) -> None:
    """Pacific Support works in Zendesk: its last two weeks of tickets (made from the days it logged) are imported
    through the real sync from the local Zendesk stand-in, so its ticket figures are Zendesk's, marked imported."""
    zendesk = LocalZendesk().start()
    _, _, lead, reps = TEAMS[1]
    since = date.today() - timedelta(days=14)
    ticket_ids = iter(range(1, 1_000_000))
    with sessions.begin() as session:
        for agent_id, person in enumerate((lead, *reps), start=1):
            rep = get_or_create_rep(session, WORKSPACE, person.user_id)
            rep.tz, rep.email = person.tz, f"{person.name.lower()}@pacific.example"
            zendesk.records.add_agent(agent_id, rep.email, person.name)
            for log in session.scalars(select(DayLog).where(DayLog.rep_id == rep.id, DayLog.day >= since)):
                add_tickets_for(zendesk, agent_id, log, ZoneInfo(person.tz), ticket_ids)
    connector = zendesk_connector(
        api_url=zendesk.api_url, email=ZENDESK_EMAIL, api_token=ZENDESK_TOKEN, timeout_seconds=10, retry=RetryPolicy()
    )
    report = sync_helpdesk(
        replace(deps, helpdesk=Helpdesks(connectors=(connector,))), connector, workspace_id=WORKSPACE, notify=False
    )
    zendesk.stop()
    console.print(
        f"Pacific Support's figures from Zendesk: {report.tickets} tickets and {report.ratings} ratings imported "
        f"into {report.days_written} rep days; its reps log only the rest."
    )


def add_tickets_for(zendesk: LocalHelpdesk, agent_id: int, log: DayLog, zone: ZoneInfo, ids: Iterator[int]) -> None:
    """The day's tickets as Zendesk would hold them: its first-contact resolutions answered once, its repeat
    contacts reopened, its complaints tagged, and a third of them rated so the ratings average its CSAT."""
    contacts, fcr = log.contacts or 0, log.fcr or 0
    repeats = min(log.repeat or 0, contacts - fcr)
    rated = contacts // 3
    good = round(rated * ((log.csat or 5.0) - 1) / 4)
    for number in range(contacts):
        solved = datetime.combine(log.day, time(9), zone) + timedelta(minutes=13 * number)
        ticket_id = next(ids)
        zendesk.records.add_ticket(
            ticket_id,
            updated_at=solved.astimezone(UTC),
            agent_id=agent_id,
            status="solved",
            solved_at=solved.astimezone(UTC),
            replies=1 if number < fcr else 2,
            reopens=1 if fcr <= number < fcr + repeats else 0,
            tags=("complaint",) if number < (log.complaints or 0) else (),
        )
        if number < rated:
            score = "good" if number < good else "bad"
            zendesk.records.add_rating(
                ticket_id, ticket_id=ticket_id, agent_id=agent_id, score=score, updated_at=solved.astimezone(UTC)
            )


def sweep(deps: Deps, start: datetime, hours: int, every: timedelta = timedelta(minutes=30)) -> None:
    """Runs every job at each step, as `repcoach serve` does every minute."""
    for step in range(int(timedelta(hours=hours) / every)):
        for job in JOBS.values():
            job(deps, start + step * every)


# How the demo's reps answer: most take the week's practice on, and most who tried it found it helped.
ANSWERS: dict[str, list[Feedback]] = {
    "practice": ["trying", "trying", "trying", "not_for_me"],
    "follow_up": ["helpful", "helpful", "no_difference", "not_yet"],
}


def give_some_kudos(sessions, deps: Deps, day: datetime) -> None:
    with sessions.begin() as session:
        for giver_id, receiver_id, reason in KUDOS:
            giver, receiver = (get_or_create_rep(session, WORKSPACE, user) for user in (giver_id, receiver_id))
            given = give_kudos(
                session=session, giver=giver, receiver=receiver, reason=reason, today=day.date(), now=day
            )
            queue_kudos(session=session, deps=deps, giver=giver, receiver=receiver, given=given)


def answer_some(sessions, rng: random.Random) -> None:
    with sessions.begin() as session:
        for nudge in session.scalars(
            select(Nudge).where(Nudge.feedback.is_(None), Nudge.kind.in_(ANSWERS)).order_by(Nudge.id)
        ):
            answer_nudge(session=session, nudge=nudge, answer=rng.choice(ANSWERS[nudge.kind]), now=datetime.now(UTC))


def show(slack: LocalSlack, people: dict[str, Person], out: Path, console: Console) -> int:
    names = {user_id: person.name for user_id, person in people.items()}
    charts = _charts(slack, out)
    index = []
    for number, call in enumerate(slack.calls_to("chat.postMessage"), start=1):
        recipient = call.args["channel"]
        key = call.structured("metadata")["event_payload"]["key"]
        kind = key.split(":")[0]
        audience = (
            f"#{recipient.lower().removeprefix('c0')}" if recipient.startswith("C") else f"DM to {names[recipient]}"
        )
        title = f"{kind} · {audience}"
        message = {"text": call.args["text"], "blocks": call.structured("blocks")}
        console.print(Panel(to_terminal(message, names), title=title, title_align="left", width=100))
        page = f"{number:02d}-{kind}-{re.sub(r'[^a-z0-9]+', '-', audience.lower()).strip('-')}.html"
        images = [f"../charts/{name}" for name in charts.get(recipient, [])] if kind == "summary" else []
        (out / "messages" / page).write_text(to_html(message, names, title, images), encoding="utf-8")
        index.append(f'<li><a href="messages/{page}">{title}</a></li>')
    (out / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>RepCoach demo</title><h1>What everyone received</h1><ul>"
        + "".join(index)
        + "</ul>",
        encoding="utf-8",
    )
    return len(index)


def _charts(slack: LocalSlack, out: Path) -> dict[str, list[str]]:
    """Writes the uploaded PNGs; returns their file names by the user whose DM they went to."""
    (out / "charts").mkdir()
    by_user: dict[str, list[str]] = {}
    for call in slack.calls_to("files.completeUploadExternal"):
        for uploaded in call.structured("files"):
            name = re.sub(r"[^a-z0-9]+", "-", uploaded.get("title", uploaded["id"]).lower()).strip("-") + ".png"
            (out / "charts" / name).write_bytes(slack.uploads[uploaded["id"]])
            user = "U" + call.args["channel_id"][1:]  # the DM conversation D… belongs to user U…
            by_user.setdefault(user, []).append(name)
    return by_user
