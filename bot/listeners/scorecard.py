"""`/scorecard [week|month|quarter]`: the caller's own balanced scorecard, ephemerally."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.messages import problem, scorecard_message
from bot.profiles import rep_with_profile
from coaching.periods import PERIOD_NAMES, current_period
from coaching.reps import local_today
from coaching.scorecard import build_scorecard, rep_scope


def register(app: App, deps: Deps) -> None:
    @app.command("/scorecard")
    def scorecard_command(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
        words = command.get("text", "").strip().lower().split()
        period_name = words[0] if words else "week"
        if len(words) > 1 or period_name not in PERIOD_NAMES:
            shown = " ".join(words)[:40]
            ack(response_type="ephemeral", **problem(
                f"`/scorecard` takes one of week, month or quarter; `{shown}` is not one of them.", nothing_saved=False
            ))
            return
        now = deps.now()
        with deps.sessions.begin() as session:
            rep = rep_with_profile(session, client, context.team_id, context.user_id, now)
            period = current_period(period_name, local_today(rep, now))
            scorecard = build_scorecard(session, rep_scope(rep.id), period, deps.definition)
        ack(response_type="ephemeral", **scorecard_message(scorecard, "Your scorecard"))
