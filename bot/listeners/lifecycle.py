"""The app leaving a workspace: `app_uninstalled` and `tokens_revoked` delete its tokens and stop its messages."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext

from bot.deps import Deps
from bot.slack.context import workspace
from coaching import outbox

logger = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    def leave(workspace_id: str) -> None:
        installations = deps.slack_clients.installations
        if installations is not None:
            installations.delete_all(enterprise_id=None, team_id=workspace_id)
        deps.slack_clients.forget(workspace_id)
        with deps.sessions.begin() as session:
            stopped = outbox.fail_workspace(session, workspace_id, "app_uninstalled", deps.now())
        logger.info("left workspace %s: tokens deleted, %d queued messages stopped", workspace_id, stopped)

    @app.event("app_uninstalled")
    def uninstalled(context: BoltContext) -> None:
        leave(workspace(context))

    @app.event("tokens_revoked")
    def revoked(event: dict, context: BoltContext) -> None:
        # Only losing the bot's token stops the app; revoked user tokens are not ours to act on.
        if event.get("tokens", {}).get("bot"):
            leave(workspace(context))
