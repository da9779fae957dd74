"""A rep's day figures computed from their stored tickets and ratings, and which figures are the helpdesk's.

Each figure is counted over the tickets the rep's agent solved that day, in the rep's timezone (docs/helpdesk.md):
contacts are those tickets, first-contact resolutions those never reopened and answered in at most one reply,
repeat contacts those reopened, complaints those carrying the complaint tag, and CSAT the mean of their ratings.
Only the figures the rep's teams take from their helpdesk are written, and they are marked on the day as imported,
so `/log` refuses to change them; a typed share of contacts above the imported contacts is dropped, since the
helpdesk's count is the one that stands.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from coaching.db import among, insert_skipping_taken
from coaching.fields import FIELDS, LogInputError, Values, resolve_name
from coaching.helpdesk.connector import HELPDESK_FIGURES, SOURCES
from coaching.helpdesk.records import Touched, utc
from coaching.i18n import lazy_gettext
from coaching.models import DayLog, HelpdeskAgent, HelpdeskRating, HelpdeskTicket, Rep, Team, TeamMember
from coaching.reps import DEFAULT_TZ
from coaching.teams import TeamError


@dataclass
class DaysWritten:
    # (rep id, day) of every day computed again.
    days: set[tuple[int, date]] = field(default_factory=set)
    # Typed shares of contacts dropped because they were above the imported contacts.
    dropped: int = 0


def chosen_figures(session: Session, rep_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The figures each rep's helpdesk gives them: what any of their teams takes (NULL: all it can, "": none);
    all of them for a rep in no team."""
    wanted = list(rep_ids)
    chosen: dict[int, frozenset[str]] = {}
    for rep_id, figures in session.execute(
        select(TeamMember.rep_id, Team.helpdesk_figures)
        .join(Team, Team.id == TeamMember.team_id)
        .where(among(TeamMember.rep_id, wanted))
    ):
        these = HELPDESK_FIGURES if figures is None else key_set(figures)
        chosen[rep_id] = chosen.get(rep_id, frozenset()) | these
    return {rep_id: chosen.get(rep_id, HELPDESK_FIGURES) for rep_id in wanted}


# Asked on every /log: built once, it keeps its cache key and compiled form, and runs on the connection, not the ORM.
_HELPDESK_OF_REP = select(HelpdeskAgent.source).where(HelpdeskAgent.rep_id == bindparam("rep_id")).limit(1)


def helpdesk_keys(session: Session, rep_id: int) -> tuple[str, frozenset[str]]:
    """The helpdesk (its label) and the figures it gives this rep; no figures for a rep matched to no agent."""
    source = session.connection().execute(_HELPDESK_OF_REP, {"rep_id": rep_id}).scalar()
    if source is None:
        return "", frozenset()
    return SOURCES.get(source, source), chosen_figures(session, [rep_id])[rep_id]


def refuse_helpdesk_figures(session: Session, rep_id: int, values: Values) -> frozenset[str]:
    """Raises LogInputError when `values` sets a figure the rep's helpdesk gives (the helpdesk's count stands);
    returns the figures it gives."""
    label, keys = helpdesk_keys(session, rep_id)
    taken = [key for key in values if key in keys]
    if taken:
        raise LogInputError(
            lazy_gettext(
                "`%(key)s` comes from %(helpdesk)s, so RepCoach reads it from there; log only the rest.",
                key=taken[0],
                helpdesk=label,
            ),
            taken[0],
        )
    return keys


def refuse_imported(log: DayLog | None, values: Values) -> None:
    """Raises LogInputError when `values` changes a figure a helpdesk sync wrote into this day."""
    taken = [key for key in values if key in imported_keys(log)]
    if log is not None and taken:
        raise LogInputError(
            lazy_gettext(
                "`%(key)s` for this day was imported from %(helpdesk)s; change it there, not here.",
                key=taken[0],
                helpdesk=SOURCES.get(log.imported_from or "", log.imported_from or ""),
            ),
            taken[0],
        )


def days_touched(session: Session, *, workspace_id: str, source: str, touched: Touched) -> dict[int, set[date]]:
    """The reps' local days the changed solve instants fall on."""
    if not touched:
        return {}
    days: dict[int, set[date]] = defaultdict(set)
    for agent_id, rep_id, tz in session.execute(
        select(HelpdeskAgent.agent_id, Rep.id, Rep.tz)
        .join(Rep, Rep.id == HelpdeskAgent.rep_id)
        .where(
            HelpdeskAgent.workspace_id == workspace_id,
            HelpdeskAgent.source == source,
            among(HelpdeskAgent.agent_id, touched),
        )
    ):
        zone = ZoneInfo(tz or DEFAULT_TZ)
        days[rep_id].update(instant.astimezone(zone).date() for instant in touched[agent_id])
    return days


def write_days(
    session: Session,
    *,
    workspace_id: str,
    source: str,
    rep_days: Mapping[int, set[date]],
    backfill_from: date,
    now: datetime,
) -> DaysWritten:
    """Computes and stores each rep's figures for each of the days (those from `backfill_from` on)."""
    written = DaysWritten()
    chosen = chosen_figures(session, rep_days)
    for rep_id, days in rep_days.items():
        days = {day for day in days if day >= backfill_from}
        keys = chosen[rep_id]
        if not days or not keys:
            continue
        figures = _figures(session, workspace_id=workspace_id, source=source, rep_id=rep_id, days=days)
        written.dropped += _store(session, rep_id=rep_id, figures=figures, keys=keys, source=source, now=now)
        written.days.update((rep_id, day) for day in figures)
    return written


@dataclass
class CountedTicket:
    """A ticket as RepCoach counts it on its solve day, with its ratings: what `repcoach helpdesk tickets` shows."""

    ticket_id: str
    solved_at: datetime
    day: date
    reopened: bool
    at_most_one_reply: bool
    complaint: bool
    scores: list[float] = field(default_factory=list)

    @property
    def first_contact(self) -> bool:
        return not self.reopened and self.at_most_one_reply


def counted_tickets(
    session: Session, *, workspace_id: str, source: str, rep_id: int, days: set[date]
) -> list[CountedTicket]:
    """The tickets the rep's agents solved on these days of theirs, in solve order."""
    zone = ZoneInfo(session.scalar(select(Rep.tz).where(Rep.id == rep_id)) or DEFAULT_TZ)
    # In UTC, as stored: SQLite compares the text, so a bound in another zone would compare its wall-clock time.
    start = datetime.combine(min(days), time(), zone).astimezone(UTC)
    end = datetime.combine(max(days) + timedelta(days=1), time(), zone).astimezone(UTC)
    agents = select(HelpdeskAgent.agent_id).where(
        HelpdeskAgent.workspace_id == workspace_id, HelpdeskAgent.source == source, HelpdeskAgent.rep_id == rep_id
    )
    tickets = (
        select(
            HelpdeskTicket.ticket_id,
            HelpdeskTicket.solved_at,
            HelpdeskTicket.reopened,
            HelpdeskTicket.at_most_one_reply,
            HelpdeskTicket.complaint,
        )
        .where(
            HelpdeskTicket.workspace_id == workspace_id,
            HelpdeskTicket.source == source,
            HelpdeskTicket.agent_id.in_(agents.scalar_subquery()),
            HelpdeskTicket.solved_at >= start,
            HelpdeskTicket.solved_at < end,
        )
        .subquery()
    )
    counted: dict[str, CountedTicket] = {}
    for ticket_id, solved_at, reopened, one_reply, complaint, score in session.execute(
        select(tickets, HelpdeskRating.score)
        .outerjoin(
            HelpdeskRating,
            (HelpdeskRating.workspace_id == workspace_id)
            & (HelpdeskRating.source == source)
            & (HelpdeskRating.ticket_id == tickets.c.ticket_id),
        )
        .order_by(tickets.c.solved_at, tickets.c.ticket_id)
    ):
        solved = utc(solved_at)
        day = solved.astimezone(zone).date()
        if day not in days:
            continue
        ticket = counted.setdefault(
            ticket_id, CountedTicket(ticket_id, solved, day, bool(reopened), bool(one_reply), bool(complaint))
        )
        if score is not None:
            ticket.scores.append(score)
    return list(counted.values())


def _figures(session: Session, *, workspace_id: str, source: str, rep_id: int, days: set[date]) -> dict[date, Values]:
    by_day: dict[date, list[CountedTicket]] = {day: [] for day in days}
    for ticket in counted_tickets(session, workspace_id=workspace_id, source=source, rep_id=rep_id, days=days):
        by_day[ticket.day].append(ticket)
    figures: dict[date, Values] = {}
    for day, solved in by_day.items():
        scores = [score for ticket in solved for score in ticket.scores]
        values: Values = {
            "contacts": len(solved),
            "fcr": sum(ticket.first_contact for ticket in solved),
            "repeat": sum(ticket.reopened for ticket in solved),
            "complaints": sum(ticket.complaint for ticket in solved),
        }
        if scores:
            values["csat"] = round(sum(scores) / len(scores), 2)
        figures[day] = values
    return figures


def _store(
    session: Session, *, rep_id: int, figures: dict[date, Values], keys: frozenset[str], source: str, now: datetime
) -> int:
    """Writes the days' imported figures over what was there; returns how many typed figures it had to drop."""
    connection = session.connection()
    stored = {
        log.day: log
        for log in session.scalars(
            select(DayLog).where(DayLog.rep_id == rep_id, among(DayLog.day, figures)).with_for_update()
        )
    }
    missing = [day for day, values in figures.items() if day not in stored and any(values.values())]
    if missing:
        # A /log of the same day may insert it meanwhile; skipping it here and locking it below keeps both.
        connection.execute(
            insert_skipping_taken(connection, DayLog, ("rep_id", "day"), returning=("id",)),
            [{"rep_id": rep_id, "day": day, "updated_at": now} for day in missing],
        )
        for log in session.scalars(
            select(DayLog).where(DayLog.rep_id == rep_id, among(DayLog.day, missing)).with_for_update()
        ):
            stored[log.day] = log
    imported = ",".join(sorted(keys))
    dropped = 0
    for day, log in stored.items():
        values = figures[day]
        changed = log.imported_keys != imported or log.imported_from != source
        for key in keys:
            value = values.get(key)
            if getattr(log, key) != value:
                setattr(log, key, value)
                changed = True
        for typed in FIELDS:
            value = getattr(log, typed.key)
            if (
                typed.relation == "share"
                and typed.key not in keys
                and value is not None
                and value > (log.contacts or 0)
            ):
                setattr(log, typed.key, None)
                dropped += 1
                changed = True
        if changed:
            log.imported_keys, log.imported_from, log.updated_at = imported, source, now
    return dropped


def imported_keys(log: DayLog | None) -> frozenset[str]:
    return key_set(log.imported_keys) if log else frozenset()


def key_set(stored: str | None) -> frozenset[str]:
    """Figure keys as stored, comma-separated (`teams.helpdesk_figures`, `day_logs.imported_keys`)."""
    return frozenset(filter(None, (stored or "").split(",")))


def set_team_figures(*, team: Team, words: list[str]) -> frozenset[str]:
    """A team's choice of figures from its helpdesk: `all`, `none`, or figure keys (or their aliases), which must
    include contacts when they include anything counted against contacts. The caller imports the days again."""
    if words in (["all"], ["tutti"]):
        team.helpdesk_figures = None
        return HELPDESK_FIGURES
    if words in (["none"], ["off"], ["nessuno"]):
        team.helpdesk_figures = ""
        return frozenset()
    chosen = set()
    for word in words:
        key = resolve_name(word)
        if key not in HELPDESK_FIGURES:
            raise TeamError(
                lazy_gettext(
                    "A helpdesk gives %(figures)s; `%(key)s` is not one of them.",
                    figures=", ".join(sorted(HELPDESK_FIGURES)),
                    key=key,
                )
            )
        chosen.add(key)
    if not chosen:
        raise TeamError(lazy_gettext("Name the figures to take from the helpdesk, or `all` or `none`."))
    if "contacts" not in chosen:
        raise TeamError(
            lazy_gettext("The others are counted out of the day's contacts: take `contacts` from the helpdesk too.")
        )
    team.helpdesk_figures = ",".join(sorted(chosen))
    return frozenset(chosen)
