"""The Web API client: pointed at SLACK_API_URL, with slack_sdk's retry handlers where a retry is safe."""

from __future__ import annotations

import threading

from slack_sdk import WebClient
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

# Reads can be repeated freely. A post that failed with a 5xx or a dropped connection may still have
# been delivered, so the outbox, not the client, decides whether to post it again.
SAFE_TO_REPEAT = ("users.info", "conversations.history", "conversations.open", "auth.test")


def _is_read(request: HttpRequest) -> bool:
    return request.url.rstrip("/").rsplit("/", 1)[-1] in SAFE_TO_REPEAT


class _ReadsOnly(RetryHandler):
    """Narrows the handler it is mixed into to reads (SAFE_TO_REPEAT)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return _is_read(request) and super()._can_retry(state=state, request=request, response=response, error=error)


class ReadServerErrorRetryHandler(_ReadsOnly, ServerErrorRetryHandler):
    pass


class ReadConnectionErrorRetryHandler(_ReadsOnly, ConnectionErrorRetryHandler):
    pass


def make_client(token: str | None, base_url: str, timeout: float) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,  # type: ignore[arg-type]  # typed int by slack_sdk; urllib takes seconds as a float
        # A 429 was not acted on, so waiting out Retry-After and repeating is safe for every method.
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ReadServerErrorRetryHandler(max_retry_count=2),
            ReadConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


class WorkspaceClients:
    """The Web API client for each workspace: one bot token for every workspace, or (with OAuth)
    each installation's own, looked up in the installation store."""

    def __init__(self, base_url: str, timeout: float, token: str | None = None, installations=None):
        self.base_url, self.timeout, self.installations = base_url, timeout, installations
        self.default = make_client(token, base_url, timeout) if token else None
        self._by_workspace: dict[str, WebClient] = {}
        self._lock = threading.Lock()  # the outbox sender asks from several threads

    def for_workspace(self, workspace_id: str) -> WebClient | None:
        """None when the app is not installed there (any more)."""
        if self.default is not None:
            return self.default
        with self._lock:
            if workspace_id not in self._by_workspace:
                bot = self.installations.find_bot(enterprise_id=None, team_id=workspace_id)
                if bot is None or not bot.bot_token:
                    return None
                self._by_workspace[workspace_id] = make_client(bot.bot_token, self.base_url, self.timeout)
            return self._by_workspace[workspace_id]

    def forget(self, workspace_id: str) -> None:
        self._by_workspace.pop(workspace_id, None)
