"""`/coach`: help, and (later) the rep's coaching settings."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.deps import Deps
from bot.messages import coach_help, problem


def register(app: App, deps: Deps) -> None:
    @app.command("/coach")
    def coach_command(ack: Ack, command: dict) -> None:
        text = command.get("text", "").strip()
        if text.lower() in ("", "help"):
            ack(response_type="ephemeral", **coach_help())
            return
        shown = text if len(text) <= 40 else text[:40] + "…"
        ack(response_type="ephemeral", **problem(
            f"I don't know `/coach {shown}`. `/coach help` lists what I understand.", nothing_saved=False
        ))
