"""`python -m bench coaching`: how good the coaching is, judged on simulated teams whose truth the code never sees.

A world (bench/simulation.py) of reps with hidden true skills, trends, daily noise, logging and answering
habits, and practices with hidden true effects, is run through the product's stable entry points only: at
08:05, 09:35 and 16:05 on each working day every job in `bot.jobs.JOBS` runs, as `repcoach serve` would run
it, draining the outbox into the Slack stand-in; reps log at 15:30 through `coaching.outcomes.record_day`
(one transaction, as `/log` does); reps answer some coaching DMs by pressing their real buttons: signed Block
Kit `block_actions` requests dispatched through the real Bolt app. Everything is read back from what Slack
received (text, blocks, button values) and the database, through the adapters below, one small function for
each kind of message: when message formats change, those are what to update.

Figures (issues 14 and 15) are measured per seed and shown as the mean and min–max over seeds; a target
passes only if every seed meets it. World `null` makes no practice do anything, for the claimed-effect
figures; the default runs both worlds. docs/performance.md ("Coaching quality") says what each figure counts.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import json
import multiprocessing
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import BoltRequest
from sqlalchemy.orm import Session

from bench.common import AtLeast, Goal, Report, Target, Within, empty_database, print_machine
from bench.simulation import WORLDS, SimRep, World, WorldKind
from bot.app import build_app
from bot.delivery.pacing import ChannelPacer, TokenBucket
from bot.deps import Deps
from bot.dev.local_slack import TEAM_ID as WORKSPACE
from bot.dev.local_slack import LocalSlack
from bot.entrypoints.arguments import positive_int
from bot.entrypoints.settings import Settings
from bot.jobs import JOBS
from bot.slack.client import WorkspaceClients
from coaching import db
from coaching.definition import ScorecardDefinition, default_definition
from coaching.feedback import PracticeStats, practice_stats
from coaching.library import Practice, default_library
from coaching.models import Nudge
from coaching.outcomes import record_day
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team
from tests.slack_requests import BOT_TOKEN, SIGNING_SECRET, block_action_body, signed_headers

# Monday 7 September 2026: twelve weeks end on Sunday 29 November, the clocks going back on the way.
FIRST_MONDAY = date(2026, 9, 7)
TZ, LOCALE = "Europe/London", "en-GB"
TEAM_SIZE = 10
SUMMARY_AT, NUDGES_AT, LOGGED_AT, RECOGNITION_AT = (
    clock_time(8, 5),
    clock_time(9, 35),
    clock_time(15, 30),
    clock_time(16, 5),
)
SPACING_DAYS = 21
GAMER = "U0GAMER"
GAMED_DAY: dict[str, float | int] = {"contacts": 6, "fcr": 6, "csat": 5}


# --- adapters: the only code that knows what the messages look like ----------------------------------


@dataclass(frozen=True)
class Post:
    """One message the Slack stand-in received."""

    recipient: str
    text: str
    blocks: list[dict[str, Any]]


def posts_since(slack: LocalSlack, seen: int) -> list[Post]:
    return [
        Post(call.args["channel"], call.args.get("text", ""), call.structured("blocks") or [])
        for call in slack.calls_to("chat.postMessage")[seen:]
    ]


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of mrkdwn or plain text in the blocks, one line each."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block.get("text"), dict):
            parts.append(block["text"].get("text", ""))
        parts += [element.get("text", "") for element in block.get("elements", []) if isinstance(element, dict)]
        parts += [item.get("text", "") for item in block.get("fields", [])]
    return "\n".join(part if isinstance(part, str) else part.get("text", "") for part in parts)


EVERY_TARGET = re.compile(r"every target met|met every target|tutti gli obiettivi", re.IGNORECASE)


@dataclass(frozen=True)
class NudgeAim:
    kind: str
    # The rep the nudge was for, from its stored row: a practice swapped in arrives as an edit of the DM.
    rep_user: str | None
    practice_id: str | None
    metric: str | None
    review: bool
    claims_every_target: bool
    # (action id, value) of the buttons on an offered practice ("Helpful" or "I'll try it", and "Not for me"), and
    # on a follow-up of one ("Helped", "Tried, no difference").
    yes: tuple[str, str] | None
    no: tuple[str, str] | None
    helped: tuple[str, str] | None
    no_difference: tuple[str, str] | None


def nudge_aim(post: Post, session: Session) -> NudgeAim:
    """What a coaching DM offers and aims at: the nudge its buttons carry (the row the job recorded for it) gives
    the practice and metric; its text says whether it claims every target is met; its kind, whether it announces
    a review."""
    buttons = [element for block in post.blocks if block.get("type") == "actions" for element in block["elements"]]

    def button(pattern: str) -> tuple[str, str] | None:
        return next(((b["action_id"], b["value"]) for b in buttons if re.search(pattern, b["action_id"])), None)

    nudge_id = next((found for b in buttons if (found := _nudge_id(b.get("value")))), None)
    nudge = session.get(Nudge, nudge_id) if nudge_id else None
    text = post.text or blocks_text(post.blocks)
    return NudgeAim(
        kind=nudge.kind if nudge else "other",
        rep_user=nudge.rep.user_id if nudge else None,
        practice_id=nudge.practice_id if nudge else None,
        metric=nudge.metric if nudge else None,
        review=bool(nudge and "review" in nudge.kind),
        claims_every_target=bool(EVERY_TARGET.search(text)),
        yes=button(r"helpful|trying|try_it"),
        no=button(r"not_for_me"),
        helped=button(r"helped"),
        no_difference=button(r"no_difference"),
    )


def _nudge_id(value: str | None) -> int | None:
    """The nudge a button's value names: today JSON like {"nudge_id": 12}."""
    if not value:
        return None
    try:
        found = json.loads(value)
    except ValueError:
        return None
    return found.get("nudge_id") if isinstance(found, dict) else None


MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
SCORE_ROW = re.compile(r"<@([UW][A-Z0-9]+)>: \d+ days? · (\d+)")


@dataclass(frozen=True)
class SummaryView:
    at_risk: set[str]
    # What the one-to-ones focus on: (the rep named, or None for the team; the metric named, or None).
    focuses: list[tuple[str | None, str | None]]
    scores: dict[str, float]
    # Why each rep at risk is flagged, by the words of their line: "stopped logging", "falling" or "level".
    reasons: dict[str, set[str]] = field(default_factory=dict)


def risk_reason(line: str) -> str:
    if "stopped logging" in line:
        return "stopped logging"
    return "falling" if "falling" in line else "level"


def summary_view(post: Post, definition: ScorecardDefinition) -> SummaryView:
    """The lead's summary as delivered: who is flagged at risk, what the one-to-ones focus on, each rep's score."""
    text = blocks_text(post.blocks)
    focuses = []
    for line in _part(text, "one-to-one").splitlines():
        people = MENTION.findall(line)
        metric = _first_metric(line, definition)
        if people or metric:
            focuses += [(person, metric) for person in people] or [(None, metric)]
    at_risk = _part(text, "at risk")
    reasons: dict[str, set[str]] = defaultdict(set)
    for line in at_risk.splitlines():
        for person in MENTION.findall(line):
            reasons[person].add(risk_reason(line))
    return SummaryView(
        set(MENTION.findall(at_risk)),
        focuses,
        {user: float(score) for user, score in SCORE_ROW.findall(text)},
        dict(reasons),
    )


def recognition_wins(post: Post) -> list[tuple[str, str]]:
    """(the rep named, the line naming them) for each win in a recognition post."""
    return [(user, line) for line in blocks_text(post.blocks).splitlines() for user in MENTION.findall(line)]


@dataclass(frozen=True)
class ClaimedEffect:
    practice_id: str
    effect: float
    samples: int
    shown_positive: bool


def claimed_effects(stats: list[PracticeStats]) -> list[ClaimedEffect]:
    """What `repcoach content stats` claims per practice. Before issue 15 an effect had no interval, so any positive
    one read as "this works"; with its hold-out, a practice is claimed to work only when its `measured` effect is
    shown (the interval excludes zero)."""
    claims = []
    for row in stats:
        if row.effect is None:
            continue
        measured = getattr(row, "measured", None)
        shown = bool(measured.shown) if measured is not None and hasattr(measured, "shown") else row.effect > 0
        claims.append(ClaimedEffect(row.practice_id, row.effect, row.effect_samples, shown))
    return claims


def _part(text: str, heading: str) -> str:
    """From the line naming `heading` up to the next line that opens with an emoji heading (`:bulb:` and so on)."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if heading in line.lower()), None)
    if start is None:
        return ""
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"\s*:[a-z_]+:", lines[i])), len(lines))
    return "\n".join(lines[start:end])


def _first_metric(line: str, definition: ScorecardDefinition) -> str | None:
    found = [
        (match.start(), metric.key)
        for metric in definition.metrics
        for label in {metric.label, metric.label_it}
        if (match := re.search(rf"\b{re.escape(label)}\b", line, re.IGNORECASE))
    ]
    return min(found)[1] if found else None


# --- one seed ------------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at


def local(day: date, at: clock_time) -> datetime:
    return datetime.combine(day, at, ZoneInfo(TZ)).astimezone(UTC)


@dataclass
class Tally:
    """What one seed measured: counts for each figure, and what the gaming script earned."""

    aimed: int = 0
    aimed_below: int = 0
    customer_due: int = 0
    customer_aimed: int = 0
    false_every_target: int = 0
    repeats: int = 0
    practice_sends: int = 0
    dms: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    helpful_real: list[float] = field(default_factory=list)
    helpful_uniform: list[float] = field(default_factory=list)
    helpful_oracle: list[float] = field(default_factory=list)
    helpful_anything: list[float] = field(default_factory=list)
    answers: int = 0
    follow_up_answers: int = 0
    helpful_answers: int = 0
    struggling: int = 0
    struggling_flagged: int = 0
    flags: int = 0
    flags_struggling: int = 0
    # (why a rep was flagged, whether they were struggling) -> flags
    flag_reasons: Counter[tuple[str, bool]] = field(default_factory=Counter)
    summaries_with_struggling: int = 0
    focus_on_gap: int = 0
    wins: int = 0
    wins_below: int = 0
    gaming: list[str] = field(default_factory=list)
    claims: list[ClaimedEffect] = field(default_factory=list)
    effect_correlation: float | None = None


class Simulation:
    def __init__(self, kind: WorldKind, seed: int, reps: int, weeks: int, url: str) -> None:
        self.kind, self.seed, self.weeks = kind, seed, weeks
        self.definition, self.library = default_definition(), default_library()
        self.practices = self.library.by_id()
        targets = self.definition.default_targets()
        self.world = World(kind, seed, reps, FIRST_MONDAY, self.definition, self.library, targets)
        self.rng = random.Random(f"habits:{kind}:{seed}")
        self.engine = empty_database(url)
        self.sessions = db.make_sessions(self.engine)
        self.slack = LocalSlack().start()
        self.clock = Clock()
        self.deps = Deps(
            self.sessions,
            now=self.clock.now,
            seed=f"bench-coaching:{seed}",
            bucket=TokenBucket(60_000, burst=1000),
            pacer=ChannelPacer(interval=0),
            clients=WorkspaceClients(self.slack.api_url, timeout=10, token=BOT_TOKEN),
        )
        settings = Settings(
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=self.slack.api_url,
            database_url=url,
        )
        self.app = build_app(settings, self.deps)
        self.sims = {rep.user_id: rep for rep in self.world.reps}
        self.teams = [self.world.reps[start : start + TEAM_SIZE] for start in range(0, reps, TEAM_SIZE)]
        self.lead_team = {f"U0LEAD{number:03d}": team for number, team in enumerate(self.teams)}
        self.rep_ids: dict[str, int] = {}
        self.seen = 0
        self.clicks = 0
        self.replies_seen = 0
        self.tally = Tally()
        # Per rep: practice -> last local date it was sent; practices they said were not for them.
        self.sent: dict[str, dict[str, date]] = defaultdict(dict)
        self.rejected: dict[str, set[str]] = defaultdict(set)
        self._enrol()

    def _enrol(self) -> None:
        with self.sessions.begin() as session:
            for number, (lead, team) in enumerate(self.lead_team.items()):
                row = create_team(session, WORKSPACE, f"Team {number + 1}", f"C0TEAM{number:03d}")
                add_member(session, row, get_or_create_rep(session, WORKSPACE, lead), is_lead=True)
                members = [rep.user_id for rep in team] + ([GAMER] if number == 0 else [])
                for user_id in members:
                    rep = get_or_create_rep(session, WORKSPACE, user_id)
                    add_member(session, row, rep)
                    self.rep_ids[user_id] = rep.id
        for user_id in [*self.lead_team, *self.sims, GAMER]:
            self.slack.add_user(user_id, tz=TZ, locale=LOCALE)

    def run(self, progress: Callable[[str], None]) -> Tally:
        started = time.monotonic()
        try:
            for week in range(self.weeks):
                monday = FIRST_MONDAY + timedelta(weeks=week)
                for weekday in range(5):
                    day = monday + timedelta(days=weekday)
                    self.tick(day, SUMMARY_AT)
                    self.tick(day, NUDGES_AT)
                    self.log(day, gaming=week == self.weeks - 1 and weekday < 3)
                    self.tick(day, RECOGNITION_AT)
                progress(
                    f"{self.kind} seed {self.seed}: week {week + 1}/{self.weeks} ({time.monotonic() - started:.0f} s)"
                )
            self.tick(FIRST_MONDAY + timedelta(weeks=self.weeks), SUMMARY_AT)  # the last week's summaries
            self.effects()
        finally:
            self.slack.stop()
            self.engine.dispose()
        return self.tally

    def tick(self, day: date, at: clock_time) -> None:
        """Every scheduled job, as `repcoach serve` runs them, at `at` on `day`; then what they delivered is read."""
        self.clock.at = local(day, at)
        for job in JOBS.values():
            job(self.deps, self.clock.at)
        posts = posts_since(self.slack, self.seen)
        self.seen += len(posts)
        coaching = [post for post in posts if post.recipient in self.sims or post.recipient == GAMER]
        if coaching:
            self.coaching_dms(day, coaching)
        for post in posts:
            if post.recipient in self.lead_team:
                self.summary(day, post)
            elif post.recipient.startswith("C"):
                self.recognition(day, post)

    # --- what reps receive ----------------------------------------------------------------------------

    def coaching_dms(self, day: date, posts: list[Post]) -> None:
        """The day's coaching DMs, answered; then the practices swapped in by those answers (an edit of the DM
        through its response_url, so not another DM), answered in turn, for a few rounds."""
        for _round in range(3):
            helped: list[tuple[SimRep, str]] = []
            with self.sessions() as session:
                for post in posts:
                    self._coaching_dm(session, day, post, helped)
            # The buttons are answered after the ack, on the app's own threads: wait until every answer is back.
            if self.clicks:
                self.slack.wait_for("response/action", self.clicks, timeout=60)
            for rep, practice_id in helped:
                self.world.try_practice(rep, practice_id, day)
            replies = self.slack.calls_to("response/action")[self.replies_seen :]
            self.replies_seen += len(replies)
            posts = [Post("", call.args.get("text", ""), call.args.get("blocks") or []) for call in replies]
            if not posts:
                return

    def _coaching_dm(self, session: Session, day: date, post: Post, helped: list[tuple[SimRep, str]]) -> None:
        aim = nudge_aim(post, session)
        user = post.recipient or aim.rep_user
        if user == GAMER:
            if aim.claims_every_target:
                self.tally.gaming.append("a DM saying every target is met")
            return
        rep = self.sims.get(user or "")
        if rep is None:
            return
        if post.recipient:
            self.tally.dms[(rep.user_id, (day - FIRST_MONDAY).days // 7)] += 1
        below = self.world.below(rep, day)
        if aim.claims_every_target and below:
            self.tally.false_every_target += 1
        if not aim.practice_id or self.rng.random() >= rep.answers:
            if aim.practice_id and aim.yes:
                self._practice_sent(rep, aim, aim.practice_id, day, below)
            return
        practice = self.practices[aim.practice_id]
        useful = self.rng.random() < self.world.helpful_probability(rep, practice, day)
        if aim.yes:
            self._practice_sent(rep, aim, aim.practice_id, day, below)
            if aim.no:
                self._click(rep, post, aim.yes if useful else aim.no)
                self.tally.answers += 1
                if useful:
                    self.tally.helpful_answers += 1
                    helped.append((rep, aim.practice_id))
                else:
                    self.rejected[rep.user_id].add(aim.practice_id)
        elif aim.helped and aim.no_difference:
            self._click(rep, post, aim.helped if useful else aim.no_difference)
            self.tally.follow_up_answers += 1

    def _practice_sent(self, rep: SimRep, aim: NudgeAim, practice_id: str, day: date, below: frozenset[str]) -> None:
        tally, user = self.tally, rep.user_id
        if aim.metric:
            tally.aimed += 1
            tally.aimed_below += aim.metric in below
            if self.world.customer(below):
                tally.customer_due += 1
                tally.customer_aimed += self.definition.by_key()[aim.metric].perspective == "customer"
        spaced = day - timedelta(days=SPACING_DAYS)
        recent = {practice for practice, sent_on in self.sent[user].items() if sent_on > spaced}
        tally.practice_sends += 1
        tally.repeats += practice_id in recent and not aim.review

        # The choice against choosing uniformly, or knowing the truth, among the practices a coach may send for the
        # nudge's aim (every one aimed at its metric, or every stretch, not refused by the rep nor sent to them in
        # the last three weeks); and against a uniform choice from the whole library, aim and all.
        def sendable(practices: list[Practice]) -> dict[str, float]:
            return {
                practice.id: self.world.helpful_probability(rep, practice, day)
                for practice in practices
                if practice.id not in self.rejected[user] and practice.id not in recent
            }

        aimed = self.library.for_metric(aim.metric) if aim.metric else self.library.stretch()
        chance, anything = sendable(aimed), sendable(list(self.library.practices))
        practice = self.practices[practice_id]
        real = self.world.helpful_probability(rep, practice, day)
        if chance:
            tally.helpful_real.append(real)
            tally.helpful_uniform.append(mean(chance.values()))
            tally.helpful_oracle.append(max(chance.values()))
        if anything:
            tally.helpful_anything.append(mean(anything.values()))
        self.sent[user][practice_id] = day

    def _click(self, rep: SimRep, post: Post, button: tuple[str, str]) -> None:
        action_id, value = button
        message = {"type": "message", "text": post.text, "blocks": post.blocks, "ts": "1700000000.000100"}
        body = block_action_body(action_id, value, rep.user_id, self.slack.response_url("action"), message)
        headers: dict[str, str | Sequence[str]] = {**signed_headers(body)}
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        if response.status != 200:
            raise RuntimeError(f"the {action_id} button answered {response.status}: {response.body}")
        self.clicks += 1

    def log(self, day: date, gaming: bool) -> None:
        self.clock.at = local(day, LOGGED_AT)
        with self.sessions.begin() as session:
            for rep in self.world.reps:
                if self.rng.random() < rep.logs:
                    values = self.world.logged_day(rep, day, self.rng)
                    record_day(session, self.rep_ids[rep.user_id], day, values, self.clock.at)
            if gaming:
                record_day(session, self.rep_ids[GAMER], day, GAMED_DAY, self.clock.at)

    # --- each week ----------------------------------------------------------------------------------

    def recognition(self, day: date, post: Post) -> None:
        """A team channel's post: the wins of the week holding `day`, judged against that week's truth."""
        monday = day - timedelta(days=day.weekday())
        week_days = [monday + timedelta(days=offset) for offset in range(5)]
        for user, line in recognition_wins(post):
            if user == GAMER:
                self.tally.gaming.append(f"recognition: {line.strip()[:90]}")
            elif (rep := self.sims.get(user)) is not None:
                self.tally.wins += 1
                self.tally.wins_below += bool(self.world.customer(self.world.below_over(rep, week_days)))

    def summary(self, day: date, post: Post) -> None:
        """A lead's summary, of the week before the one holding `day`, judged against that week's truth."""
        monday = day - timedelta(days=day.weekday() + 7)
        if monday < self.world.first_day:
            return  # the week before the simulation: nothing was logged, so nobody could be flagged
        week_days = [monday + timedelta(days=offset) for offset in range(5)]
        team = self.lead_team[post.recipient]
        view = summary_view(post, self.definition)
        gaps = {rep.user_id: self.world.customer(self.world.below_over(rep, week_days)) for rep in team}
        struggling = {user for user, below in gaps.items() if below}
        tally = self.tally
        tally.struggling += len(struggling)
        tally.struggling_flagged += len(struggling & view.at_risk)
        flagged = view.at_risk & set(gaps)
        tally.flags += len(flagged)
        tally.flags_struggling += len(flagged & struggling)
        for user in flagged:
            for reason in view.reasons.get(user, {"level"}):
                tally.flag_reasons[(reason, user in struggling)] += 1
        if struggling:
            tally.summaries_with_struggling += 1
            tally.focus_on_gap += any(
                metric is not None
                and (metric in gaps.get(person, set()) if person else any(metric in gaps[u] for u in struggling))
                for person, metric in view.focuses
            )
        if GAMER in view.scores and view.scores[GAMER] >= max(view.scores.values()):
            tally.gaming.append(f"the top score in the lead's summary ({view.scores[GAMER]:.0f})")

    def effects(self) -> None:
        with self.sessions() as session:
            self.tally.claims = claimed_effects(practice_stats(session, self.library, self.definition))
        if self.kind == "effects":
            claimed = [claim.effect for claim in self.tally.claims]
            true = [self.world.true_effect(claim.practice_id) for claim in self.tally.claims]
            self.tally.effect_correlation = spearman(claimed, true)


def spearman(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None

    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=values.__getitem__)
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2
            i = j + 1
        return result

    rx, ry = ranks(xs), ranks(ys)
    mx, my = mean(rx), mean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else None


# --- the figures ---------------------------------------------------------------------------------------


def share(part: float, whole: float) -> float | None:
    return 100 * part / whole if whole else None


def figures(tally: Tally, kind: WorldKind, reps: int, weeks: int) -> dict[str, float | None]:
    """Each figure's value for one seed (None when the seed had nothing to measure it on)."""
    rep_weeks = reps * weeks
    claims = tally.claims
    weighted = sum(claim.effect * claim.samples for claim in claims)
    samples = sum(claim.samples for claim in claims)
    real, uniform = mean(tally.helpful_real or [0]), mean(tally.helpful_uniform or [0])
    return {
        "aimed_below": share(tally.aimed_below, tally.aimed),
        "customer_first": share(tally.customer_aimed, tally.customer_due),
        "false_every_target": tally.false_every_target,
        "repeats": tally.repeats,
        "dms_mean": sum(tally.dms.values()) / rep_weeks,
        "dms_most": max(tally.dms.values(), default=0),
        "helpful_real": 100 * real if tally.helpful_real else None,
        "helpful_uniform": 100 * uniform if tally.helpful_uniform else None,
        "helpful_oracle": 100 * mean(tally.helpful_oracle) if tally.helpful_oracle else None,
        "helpful_anything": 100 * mean(tally.helpful_anything) if tally.helpful_anything else None,
        "helpful_lift": 100 * (real - uniform) if tally.helpful_real else None,
        "recall": share(tally.struggling_flagged, tally.struggling),
        "precision": share(tally.flags_struggling, tally.flags),
        "focus": share(tally.focus_on_gap, tally.summaries_with_struggling),
        "wins_below": tally.wins_below,
        "gaming": len(tally.gaming),
        "claimed_effect": weighted / samples if samples and kind == "null" else None,
        "shown_positive": share(sum(claim.shown_positive for claim in claims), len(claims)) if kind == "null" else None,
    }


# name, unit, target, digits
FIGURES: dict[str, tuple[str, str, Goal | None, int]] = {
    "aimed_below": ("#14 practice nudges aimed at a truly below-target metric", "%", AtLeast(90), 1),
    "customer_first": ("#14 ... at a customer metric when one is truly below target", "%", AtLeast(90), 1),
    "false_every_target": ('#14 "every target met" DMs to reps truly below a target', "", Target(0), 0),
    "repeats": ("#14 practice repeated to a rep within 21 days, unannounced", "", Target(0), 0),
    "dms_mean": ("#14 coaching DMs per rep per week, mean", "", Target(3), 2),
    "dms_most": ("#14 coaching DMs per rep per week, most in any rep-week", "", Target(3), 0),
    "helpful_real": ("#14 expected Helpful share, the real choice", "%", None, 1),
    "helpful_uniform": ("#14 ... uniform choice among practices for the same aim", "%", None, 1),
    "helpful_oracle": ("#14 ... oracle choice among practices for the same aim", "%", None, 1),
    "helpful_anything": ("#14 ... uniform choice from the whole library", "%", None, 1),
    "helpful_lift": ("#14 real choice above uniform for the same aim, Helpful points", " pts", AtLeast(5), 1),
    "recall": ("#15 at-risk recall (customer metric truly below, flagged)", "%", AtLeast(90), 1),
    "precision": ("#15 at-risk precision (flags on such reps)", "%", AtLeast(80), 1),
    "focus": ("#15 one-to-one focus on a struggling rep's customer gap", "%", AtLeast(80), 1),
    "wins_below": ("#15 recognition wins for a rep truly below a customer target", "", Target(0), 0),
    "gaming": ("#15 what three invented days earn (wins, claims, top score)", "", Target(0), 0),
    "claimed_effect": ("#15 world null, mean claimed effect (share of target)", "", Within(0, 0.03), 3),
    "shown_positive": ("#15 world null, practices shown as positive/significant", "%", Target(5), 1),
}


# Only a world where nothing works says what a claimed effect is worth.
NULL_WORLD_ONLY = ("claimed_effect", "shown_positive")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench coaching", description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=positive_int, default=40, help="simulated reps (default 40, teams of 10)")
    parser.add_argument("--weeks", type=positive_int, default=12, help="simulated weeks (default 12)")
    parser.add_argument("--seeds", type=positive_int, default=3, help="seeds per world (default 3)")
    parser.add_argument(
        "--seed-offset",
        type=int,
        default=0,
        help="seeds run from this plus 1 (default 0): choose a rule on seeds 1-3, confirm it with --seed-offset 3",
    )
    parser.add_argument("--world", choices=(*WORLDS, "both"), default="both", help="which world (default both)")
    parser.add_argument(
        "--jobs", type=positive_int, default=2, help="simulations run at once, each in its own process (default 2)"
    )
    parser.add_argument(
        "--database-url", help="run on this database (emptied first, one simulation at a time) instead of temp SQLite"
    )
    args = parser.parse_args(argv)
    worlds = WORLDS if args.world == "both" else (args.world,)
    print_machine(
        f"coaching: {args.reps} simulated reps, {args.weeks} weeks, seeds {args.seed_offset + 1}-"
        f"{args.seed_offset + args.seeds}, world {'+'.join(worlds)}"
    )
    report = Report("coaching")
    seeds = range(args.seed_offset + 1, args.seed_offset + args.seeds + 1)
    runs = [(kind, seed) for kind in worlds for seed in seeds]
    with tempfile.TemporaryDirectory(prefix="repcoach-bench-") as scratch:

        def url(kind: str, seed: int) -> str:
            return args.database_url or f"sqlite:///{scratch}/coaching-{kind}-{seed}.db"

        jobs = 1 if args.database_url else min(args.jobs, len(runs))
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {run: pool.submit(simulate, run[0], run[1], args.reps, args.weeks, url(*run)) for run in runs}
            tallies = {run: future.result() for run, future in futures.items()}
    for kind in worlds:
        show(report, kind, {seed: tallies[(kind, seed)] for seed in seeds}, args.reps, args.weeks)
    return report.summary()


def simulate(kind: WorldKind, seed: int, reps: int, weeks: int, url: str) -> Tally:
    """One seed of one world, in a worker process: progress to stderr, the tally back to the parent."""

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with charts_left_blank():
        return Simulation(kind, seed, reps, weeks, url).run(progress)


# The chart drawn for each summary, by its name in bot.blocks.team.
CHART = "team_trend_png"
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@contextmanager
def charts_left_blank() -> Iterator[None]:
    """The summary's chart (a matplotlib PNG, about 0.7 s each, half the bench's time) is a 1-pixel image here:
    nothing measured reads it. If the chart moves, the bench only gets slower."""
    owner = importlib.import_module("bot.blocks.team")
    original = getattr(owner, CHART, None)
    if original is None:
        yield
        return
    setattr(owner, CHART, lambda *_args, **_kwargs: BLANK_PNG)
    try:
        yield
    finally:
        setattr(owner, CHART, original)


def show(report: Report, kind: WorldKind, by_seed: dict[int, Tally], reps: int, weeks: int) -> None:
    tallies = list(by_seed.values())
    print(f"\nworld {kind}: mean (min–max) over {len(tallies)} seed(s)")
    per_seed = [figures(tally, kind, reps, weeks) for tally in tallies]
    for key, (name, unit, target, digits) in FIGURES.items():
        values = [value for seed in per_seed if (value := seed[key]) is not None]
        if kind == "null" or key not in NULL_WORLD_ONLY:
            report.spread(f"{kind} {name}", values, unit, target, digits)

    def total(attribute: str) -> int:
        return sum(getattr(tally, attribute) for tally in tallies)

    report.note(
        f"n over seeds: {total('aimed')} aimed practice nudges ({total('customer_due')} with a customer metric truly "
        f"below), {total('practice_sends')} practice sends, {total('answers')} answers "
        f"({share(total('helpful_answers'), total('answers')) or 0:.0f}% Helpful), "
        f"{total('follow_up_answers')} follow-ups answered, {total('struggling')} struggling "
        f"rep-weeks, {total('flags')} at-risk flags, {total('summaries_with_struggling')} summaries with a "
        f"struggling rep, {total('wins')} recognition wins"
    )
    reasons: Counter[tuple[str, bool]] = sum((tally.flag_reasons for tally in tallies), Counter())

    def flagged_for(reason: str) -> str:
        right, wrong = reasons[(reason, True)], reasons[(reason, False)]
        return f"{reason} {right + wrong} ({share(right, right + wrong) or 0:.0f}% struggling)"

    report.note(
        "at-risk flags by reason, over seeds: "
        + ", ".join(flagged_for(reason) for reason in ("level", "falling", "stopped logging"))
    )
    for number, tally in by_seed.items():
        if tally.gaming:
            earned = "; ".join(f"{count}x {what}" for what, count in Counter(tally.gaming).items())
            report.note(f"seed {number}: the gaming script earned {earned}")
        if tally.effect_correlation is not None:
            report.note(
                f"seed {number}: content stats' effects against the true effects: Spearman "
                f"{tally.effect_correlation:+.2f} over {len(tally.claims)} practices"
            )
