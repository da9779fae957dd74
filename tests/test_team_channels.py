"""Posts to a team channel the bot is not in: it joins a public one and posts; for a private one it asks the team's
leads (or the admins) in a DM to invite it, rather than failing in silence."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy import select

from bot.delivery.sender import OutboxSender
from bot.dev.local_slack import TEAM_ID, dm_channel
from bot.slack.channels import Joined, NeedsInvite, ensure_bot_in_channel
from coaching import outbox
from coaching.models import OutboxMessage
from coaching.reps import get_or_create_rep
from coaching.teams import add_member, create_team
from tests.slack_requests import BOT_TOKEN


def team_with_channel(sessions, channel: str, lead: str | None = "U0LENA", admin: str | None = None) -> None:
    with sessions.begin() as session:
        team = create_team(session, TEAM_ID, "Tier <1>", channel)
        add_member(session, team, get_or_create_rep(session, TEAM_ID, "U0ANNA"))
        if lead:
            add_member(session, team, get_or_create_rep(session, TEAM_ID, lead), is_lead=True)
        if admin:
            get_or_create_rep(session, TEAM_ID, admin).named_admin = True


def queue_kudos(bot, sessions, channel: str, key: str = "kudos:1") -> None:
    message = {"text": ":clap: <@U0ANNA> gives kudos", "blocks": []}
    with sessions.begin() as session:
        outbox.enqueue(
            session,
            [
                {
                    "workspace_id": TEAM_ID,
                    "kind": "kudos",
                    "recipient": channel,
                    "idempotency_key": key,
                    "payload": message,
                }
            ],
            bot.deps.now(),
        )


def rows(sessions) -> dict[str, tuple[str, str | None]]:
    with sessions() as session:
        return {
            row.idempotency_key: (row.status, row.last_error)
            for row in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        }


def test_a_post_to_a_public_channel_the_bot_is_not_in_joins_it_and_is_delivered(bot, sessions, slack):
    slack.add_channel("C0TEAM")
    team_with_channel(sessions, "C0TEAM")
    queue_kudos(bot, sessions, "C0TEAM")

    report = OutboxSender(bot.deps).drain()

    assert (report.sent, report.failed) == (1, 0)
    [join] = slack.calls_to("conversations.join")
    assert join.args["channel"] == "C0TEAM"
    assert slack.delivered() == {"C0TEAM": 1}
    assert rows(sessions) == {"kudos:1": ("sent", None)}


def test_a_post_to_a_private_channel_asks_the_teams_lead_once_a_day_to_invite_the_bot(bot, sessions, slack):
    slack.add_channel("C0SECRET", private=True)
    team_with_channel(sessions, "C0SECRET")
    queue_kudos(bot, sessions, "C0SECRET", "kudos:1")
    queue_kudos(bot, sessions, "C0SECRET", "kudos:2")

    OutboxSender(bot.deps).drain()
    OutboxSender(bot.deps).drain()  # the scheduler's next drain, five seconds on, sends what the first queued

    stored = rows(sessions)
    assert stored["kudos:1"] == ("failed", "channel_not_found") == stored["kudos:2"]
    assert [key for key, (status, _) in stored.items() if key.startswith("bot-invite:")] == [
        f"bot-invite:C0SECRET:U0LENA:{bot.deps.now().date()}"
    ]
    [invite] = [call for call in slack.calls_to("chat.postMessage") if call.args["channel"] == "U0LENA"]
    assert invite.args["text"] == (
        ":warning: I could not post a kudos post for *Tier &lt;1&gt;* in <#C0SECRET>, because I am not in that "
        "channel. Please invite me: type `/invite @RepCoach` in <#C0SECRET>."
    )
    assert slack.delivered() == {dm_channel("U0LENA"): 1}


def test_without_a_lead_the_workspaces_admins_are_asked(bot, sessions, slack):
    slack.add_channel("C0SECRET", private=True)
    team_with_channel(sessions, "C0SECRET", lead=None, admin="U0ADA")
    queue_kudos(bot, sessions, "C0SECRET")

    OutboxSender(bot.deps).drain()
    OutboxSender(bot.deps).drain()

    assert slack.delivered() == {dm_channel("U0ADA"): 1}
    [invite] = [call for call in slack.calls_to("chat.postMessage") if call.args["channel"] == "U0ADA"]
    assert "`/invite @RepCoach`" in invite.args["text"]


def test_once_invited_the_bot_posts_without_joining_again(bot, sessions, slack):
    slack.add_channel("C0SECRET", private=True, bot_is_member=True)
    team_with_channel(sessions, "C0SECRET")
    queue_kudos(bot, sessions, "C0SECRET")

    assert OutboxSender(bot.deps).drain().sent == 1
    assert slack.calls_to("conversations.join") == []
    assert slack.delivered() == {"C0SECRET": 1}


def test_ensure_bot_in_channel_says_whether_someone_must_invite_the_bot(slack):
    slack.add_channel("C0OPEN")
    slack.add_channel("C0CLOSED", private=True)
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url)

    assert ensure_bot_in_channel(client, "C0OPEN") == Joined("C0OPEN")
    assert ensure_bot_in_channel(client, "C0CLOSED") == NeedsInvite("C0CLOSED", "method_not_supported_for_channel_type")
    assert "`/invite @RepCoach` in <#C0CLOSED>" in NeedsInvite("C0CLOSED", "").request()
