"""Publishing a person's Home tab: coaching.home reads the page, bot.blocks.home builds it, `views.publish` shows it."""

from __future__ import annotations

from datetime import datetime

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.home import home_view
from bot.deps import Deps
from bot.slack.context import who
from coaching.home import home_page
from coaching.models import Rep
from coaching.reps import get_or_create_rep


def publish_home(session: Session, client: WebClient, deps: Deps, rep: Rep, now: datetime) -> None:
    page = home_page(session=session, rep=rep, now=now, definition=deps.definition, library=deps.library)
    client.views_publish(user_id=rep.user_id, view=home_view(page))


def refresh_home(deps: Deps, client: WebClient, context: BoltContext) -> None:
    """Publishes the Home tab of the person behind `context`, from what is committed now."""
    with deps.sessions() as session:
        rep = get_or_create_rep(session, *who(context))
        publish_home(session, client, deps, rep, deps.now())
