"""Slack listeners, one module per surface; each `register` wires its handlers onto the app."""

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import coach, home, lifecycle, log, nudges, privacy, scorecard


def register_all(app: App, deps: Deps) -> None:
    for surface in (log, scorecard, coach, nudges, home, privacy, lifecycle):
        surface.register(app, deps)
