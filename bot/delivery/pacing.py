"""Pacing sends the way Slack asks: about one message a second per channel, and a budget per workspace."""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """`rate_per_minute` tokens a minute, at most `burst` saved up; `take` waits for one."""

    def __init__(self, rate_per_minute: float, burst: int | None = None, clock=time.monotonic, sleep=time.sleep):
        self.interval = 60.0 / rate_per_minute
        self.capacity = float(burst if burst is not None else max(1, round(rate_per_minute / 60)))
        self.tokens = self.capacity
        self.clock, self.sleep = clock, sleep
        self.updated = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Takes a token, waiting if none is left; returns the seconds waited."""
        with self._lock:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) / self.interval)
            self.updated = now
            self.tokens -= 1
            wait = -self.tokens * self.interval if self.tokens < 0 else 0.0
        if wait:
            self.sleep(wait)
        return wait


class ChannelPacer:
    """Keeps posts to one channel at least `interval` seconds apart."""

    def __init__(self, interval: float = 1.0, clock=time.monotonic, sleep=time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, channel: str) -> float:
        with self._lock:
            now = self.clock()
            start = max(now, self._next.get(channel, now))
            self._next[channel] = start + self.interval
        if start > now:
            self.sleep(start - now)
        return start - now
