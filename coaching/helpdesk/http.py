"""GET requests to a helpdesk's REST API: basic auth, JSON, and the waits its rate limits and outages ask for.

Both vendors answer a rate limit with 429 and `Retry-After` (seconds); we wait that long when it is short, and
give up with `HelpdeskUnavailable` when it is longer than a sync should hold a thread, so the next sync resumes
from the saved cursor. A link the helpdesk gives for the next page is followed only on the configured host, so
the credentials never go anywhere else.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from coaching.helpdesk.connector import HelpdeskAuthError, HelpdeskError, HelpdeskUnavailable

_TRANSIENT = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    # The first wait after a timeout or a 5xx; it doubles each time.
    backoff_seconds: float = 1.0
    # The longest Retry-After we sleep through; past it the sync stops and the next one resumes.
    longest_wait_seconds: float = 60.0


class HelpdeskHttp:
    def __init__(
        self,
        *,
        label: str,
        base_url: str,
        auth: tuple[str, str],
        credentials_hint: str,
        timeout_seconds: float,
        retry: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.label = label
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._origin = urlsplit(self.base_url)[:2]
        self._credentials_hint = credentials_hint
        self._retry = retry
        self._sleep = sleep
        self._client = httpx.Client(auth=auth, timeout=timeout_seconds, headers={"Accept": "application/json"})

    def close(self) -> None:
        self._client.close()

    def get(self, path_or_url: str, params: Mapping[str, str | int] | None = None) -> httpx.Response:
        """The answer to GET `path_or_url` (relative to the base URL, or a next-page link on its host), once it is
        a 2xx; raises HelpdeskAuthError on 401/403, HelpdeskUnavailable after the retries, HelpdeskError on
        any other refusal."""
        url = urljoin(self.base_url, path_or_url)
        if urlsplit(url)[:2] != self._origin:
            raise HelpdeskError(f"{self.label} gave a link off {self.base_url}; not following it: {url[:200]}")
        wait = self._retry.backoff_seconds
        for attempt in range(1, self._retry.attempts + 1):
            last = attempt == self._retry.attempts
            try:
                response = self._client.get(url, params=params)
            except httpx.TransportError as error:
                if last:
                    raise HelpdeskUnavailable(f"{self.label} did not answer at {self.base_url}: {error}") from None
                self._sleep(wait)
                wait *= 2
                continue
            if response.status_code in (401, 403):
                raise HelpdeskAuthError(
                    f"{self.label} refused the credentials ({response.status_code}): check {self._credentials_hint}"
                )
            if response.status_code == 429:
                asked = _retry_after(response)
                if asked > self._retry.longest_wait_seconds or last:
                    raise HelpdeskUnavailable(
                        f"{self.label} is rate limiting us for {asked:g} s; the next sync resumes where this stopped"
                    )
                self._sleep(asked)
                continue
            if response.status_code in _TRANSIENT:
                if last:
                    raise HelpdeskUnavailable(
                        f"{self.label} answered {response.status_code} {attempt} times at {url[:200]}"
                    )
                self._sleep(wait)
                wait *= 2
                continue
            if not response.is_success:
                raise HelpdeskError(f"{self.label} refused {url[:200]}: {response.status_code} {response.text[:200]}")
            return response
        raise AssertionError("the loop returns or raises on its last attempt")

    def get_json(self, path_or_url: str, params: Mapping[str, str | int] | None = None) -> Any:
        response = self.get(path_or_url, params)
        try:
            return response.json()
        except ValueError:
            raise HelpdeskUnavailable(f"{self.label} answered {path_or_url[:200]} with something not JSON") from None


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0
