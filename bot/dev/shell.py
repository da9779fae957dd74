"""`repcoach shell`: type slash commands as a chosen user and see the bot's answers, with no Slack.

The real app handles each command against the local database; the local Slack stand-in plays
Slack's Web API, and what the app asked of it (a form opened, a DM sent) is shown after the answer.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from rich.console import Console
from rich.panel import Panel
from slack_bolt import BoltRequest

from bot.app import build_app
from bot.deps import Deps
from bot.dev.local_slack import TEAM_ID, LocalSlack
from bot.dev.preview import to_terminal
from bot.entrypoints.settings import Settings
from bot.slack.client import WorkspaceClients
from coaching.db import make_sessions

FOLLOW_UP_WAIT = 0.3
COMMANDS = ("/log", "/scorecard", "/coach")


def run_shell(settings: Settings, engine, user: str, tz: str, locale: str, console: Console, lines) -> None:
    slack = LocalSlack(any_user=True).start()
    slack.add_user(user, tz=tz, locale=locale)
    shell_settings = settings.model_copy(update={"slack_bot_token": "xoxb-shell", "slack_api_url": slack.api_url})
    clients = WorkspaceClients(slack.api_url, timeout=10, token="xoxb-shell")
    app = build_app(shell_settings, Deps(make_sessions(engine), clients=clients), verify_requests=False)
    names = {user: user}
    console.print(
        f"[dim]Slash commands as {user} ({tz}, {locale}); `exit` to leave. Try /log contacts=30 fcr=24 csat=4.6[/dim]"
    )
    for line in lines:
        line = line.strip()
        if line in ("exit", "quit"):
            break
        if not line:
            continue
        if not line.startswith("/"):
            console.print("[yellow]Type a slash command, like /log help, /scorecard or /coach help.[/yellow]")
            continue
        command, _, text = line.partition(" ")
        if command not in COMMANDS:
            console.print(f"[yellow]{command} is not a RepCoach command: {', '.join(COMMANDS)} are.[/yellow]")
            continue
        seen = len(slack.calls)
        body = urlencode(
            {
                "team_id": TEAM_ID,
                "user_id": user,
                "user_name": user.lower(),
                "channel_id": "D0SHELL",
                "command": command,
                "text": text,
                "response_url": slack.response_url(),
                "trigger_id": "shell.trigger",
                "api_app_id": "A0SHELL",
            }
        )
        response = app.dispatch(BoltRequest(body=body, headers={"content-type": "application/x-www-form-urlencoded"}))
        if response.body:
            console.print(
                Panel(
                    to_terminal(json.loads(response.body), names),
                    title="only you can see this",
                    title_align="left",
                    width=100,
                )
            )
        time.sleep(FOLLOW_UP_WAIT)  # the listener may go on after answering: show what it asked of Slack
        for call in slack.calls[seen:]:
            describe(call, names, console)
    slack.stop()


def describe(call, names: dict[str, str], console: Console) -> None:
    if call.method == "views.open":
        fields = [block["label"]["text"] for block in call.structured("view")["blocks"] if block["type"] == "input"]
        console.print(f"[dim](Slack opens the form: {', '.join(fields)}. In the shell, type /log key=value.)[/dim]")
    elif call.method == "chat.postMessage":
        message = {"text": call.args["text"], "blocks": call.structured("blocks")}
        console.print(
            Panel(to_terminal(message, names), title=f"posted to {call.args['channel']}", title_align="left", width=100)
        )
    elif call.method.startswith("response/"):
        console.print(Panel(to_terminal(call.args, names), title="reply", title_align="left", width=100))
    elif call.method == "views.publish":
        console.print("[dim](Your Home tab in Slack is refreshed.)[/dim]")
