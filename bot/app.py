"""Builds the Bolt app: the Web API client pointed at SLACK_API_URL, the listeners and one error handler."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltError
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.errors import SlackClientError
from slack_sdk.oauth.state_store import OAuthStateStore
from sqlalchemy.exc import SQLAlchemyError

from bot.blocks.kit import simple
from bot.deps import Deps
from bot.entrypoints.settings import Settings, SettingsError
from bot.listeners import register_all
from bot.slack.client import make_client
from bot.slack.installations import SCOPES
from bot.slack.lanes import LeavesQuickLane
from bot.slack.payloads import payload_checker, stored_language
from coaching.i18n import SOURCE_LANGUAGE, Language, lazy_gettext

logger = logging.getLogger(__name__)

_SLACK_CLIENT_LOG = "slack_sdk.web.base_client"
SORRY = lazy_gettext(":x: Something went wrong on our side and nothing was saved. Please try again in a minute.")


class _SameTokenNotice(logging.Filter):
    """Bolt also reads SLACK_BOT_TOKEN itself and warns that our client's (the same token) wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def build_app(
    settings: Settings, deps: Deps, verify_requests: bool = True, states: OAuthStateStore | None = None
) -> App:
    """One bot token, or (with `settings.distributed`) OAuth installs served at /slack/install.

    Listeners run on the thread that took the request and their answer goes back when they return, which spares
    Bolt's hand-over to another thread and its 10 ms polling for the ack; slow follow-ups use bot.after_answer.

    Bolt does not check signatures itself: bot.entrypoints.slack_guard has checked each one on the raw bytes before
    Bolt sees the request. `verify_requests=False` is for `repcoach shell`, whose requests come from the terminal,
    not Slack, and need no signing secret.
    """
    if settings.distributed:
        oauth = OAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            scopes=SCOPES,
            installation_store=deps.slack_clients.installations,
            state_store=states,
        )
        app = App(
            signing_secret=settings.slack_signing_secret,
            oauth_settings=oauth,
            request_verification_enabled=False,
            process_before_response=True,
            client=make_client(None, settings.slack_api_url, settings.slack_timeout_seconds),
        )
    else:
        settings.require("slack_bot_token", *(["slack_signing_secret"] if verify_requests else []))
        logging.getLogger("slack_bolt.App").addFilter(_SameTokenNotice())
        try:
            with _quiet(_SLACK_CLIENT_LOG):
                app = App(
                    client=deps.slack_clients.default,
                    signing_secret=settings.slack_signing_secret,
                    request_verification_enabled=False,
                    process_before_response=True,
                )
        except BoltError as error:
            raise SettingsError(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
        except (OSError, SlackClientError) as error:  # URLError and timeouts are OSErrors
            reason = getattr(error, "reason", None) or error
            raise SettingsError(
                f"Slack cannot be reached at SLACK_API_URL {settings.slack_api_url} ({reason})"
            ) from None
    # Before any listener: a request whose parts do not fit is answered there and reaches none.
    app.use(payload_checker(deps.sessions))
    register_all(app, deps)
    app.error(error_handler(deps))
    return app


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Bolt checks the token with auth.test as it starts, and slack_sdk logs each failed try at ERROR; the one line
    that says why start-up stopped is ours, raised below."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def error_handler(deps: Deps) -> Callable[[Exception, dict, BoltResponse | None], BoltResponse | None]:
    def on_error(error: Exception, body: dict, response: BoltResponse | None) -> BoltResponse | None:
        """Logs the traceback once, and tells the person rather than leaving them with Slack's timeout."""
        if isinstance(error, LeavesQuickLane):
            return None  # bot.entrypoints.web makes the Web API call it waits for, then handles it again
        logger.error("handler failed for %s", body.get("command") or body.get("type"), exc_info=error)
        if response is None:  # already acknowledged: nothing more can go back on this request
            return None
        if "command" in body:
            sorry = SORRY.in_language(_sorry_language(deps, body))
            payload = {"response_type": "ephemeral", **simple(sorry)}
            return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
        return None

    return on_error


def _sorry_language(deps: Deps, body: dict) -> Language:
    """The person's stored language; English when the failure was the database's own, which then cannot say."""
    try:
        return stored_language(deps.sessions, body.get("team_id"), body.get("user_id"))
    except SQLAlchemyError:
        return SOURCE_LANGUAGE
