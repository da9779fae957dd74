"""A local stand-in for Slack's Web API: answers like Slack, records every call, and can misbehave.

Point SLACK_API_URL at `stand_in.api_url`. Responses to `response_url` are recorded too, at
`stand_in.response_url(name)`. Run it alone with `python -m bot.dev.local_slack --port 3001`.

Like Slack, it refuses a method with `missing_scope` unless the token has one of the method's scopes (those
slack-manifest.yml requests, by default), and a post to a channel the bot is not in with `not_in_channel`.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from bot.entrypoints.arguments import seconds
from bot.slack.scopes import METHOD_SCOPES, PROFILE_EMAIL_SCOPE, manifest_bot_scopes, scope_for_conversation

TEAM_ID = "T0TEAM"
BOT_USER_ID = "U0BOT"
LOOPBACK = "127.0.0.1"
# The longest a held call (LocalSlack.hold) waits for its release.
HOLD_SECONDS = 10.0


@dataclass
class Call:
    method: str
    args: dict
    headers: dict
    at: float = field(default_factory=time.monotonic)
    status: int = 200

    def structured(self, name: str):
        """An argument that slack_sdk may send either as JSON or form-encoded JSON text."""
        value = self.args[name]
        return json.loads(value) if isinstance(value, str) else value


@dataclass
class Faults:
    """Misbehaviour for chosen methods, by call number: every Nth call to them fails that way."""

    methods: tuple[str, ...] = ("chat.postMessage",)
    rate_limit_every: int = 0
    retry_after: int = 1
    server_error_every: int = 0
    # Every Nth call is processed (the message is posted) but answered only after `slow_seconds`.
    slow_every: int = 0
    slow_seconds: float = 0.0
    # These recipients answer with this error, as Slack does for deactivated users and the like.
    permanent_errors: dict[str, str] = field(default_factory=dict)
    # The first calls are held until this many are being answered at once (or `gather_seconds` have
    # passed): a client that sends one request at a time never gets them together.
    gather: int = 0
    gather_seconds: float = 2.0


@dataclass
class Channel:
    """A channel the stand-in was told about; the bot is in it only once it joins (or is invited)."""

    private: bool = False
    bot_is_member: bool = False


@dataclass
class LocalSlack:
    users: dict[str, dict] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    # Run alone, the stand-in knows every user; in tests only those added.
    any_user: bool = False
    # File bytes received at upload URLs, by file id.
    uploads: dict[str, bytes] = field(default_factory=dict)
    # Seconds every Web API call takes to be answered, like a Slack far away, and more for some methods.
    latency: float = 0.0
    method_latency: dict[str, float] = field(default_factory=dict)
    # The bot token's scopes: what the manifest requests, unless a test takes some away.
    scopes: tuple[str, ...] = field(default_factory=manifest_bot_scopes)
    # Channels with a membership to respect. A channel id never added here is one a test made with the bot in it
    # (a team created straight in the database), so posts to it are accepted.
    channels: dict[str, Channel] = field(default_factory=dict)
    # The most calls to each method that were being answered at once.
    most_in_flight: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _flight: threading.Condition = field(default_factory=threading.Condition)
    _in_flight: Counter = field(default_factory=Counter)
    _gathered: bool = False
    _counts: Counter = field(default_factory=Counter)
    _history: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    _holds: dict[str, threading.Event] = field(default_factory=dict)

    def start(self, port: int = 0) -> LocalSlack:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    stand_in.uploads[self.path.removeprefix("/upload/")] = data
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                raw = data.decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = dict(parse_qsl(raw))
                method = self.path.removeprefix("/api/").strip("/")
                stand_in.arrive(method)
                try:
                    status, headers, answer, delay = stand_in.respond(method, args, dict(self.headers))
                    if delay:
                        time.sleep(delay)
                    stand_in.wait_while_held(method)
                finally:
                    # Before answering: the client cannot send its next request until it has the answer.
                    stand_in.leave(method)
                body = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args) -> None:
                pass

        self._server = _Server((LOOPBACK, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.users.clear()
            self._counts.clear()
            self._history.clear()
            self.uploads.clear()
            self.channels.clear()
            self.method_latency.clear()
            self.faults = Faults()
            for gate in self._holds.values():
                gate.set()
            self._holds.clear()
            self.scopes = manifest_bot_scopes()
        with self._flight:
            self.most_in_flight.clear()
            self._gathered = False

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "command") -> str:
        return f"{self.base_url}/response/{name}"

    def add_user(self, user_id: str, tz: str = "Europe/Rome", locale: str = "en-US", **extra) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "tz": tz,
            "tz_offset": 0,
            "locale": locale,
            "is_admin": False,
            "is_owner": False,
            **extra,
        }

    def add_channel(self, channel_id: str, private: bool = False, bot_is_member: bool = False) -> None:
        self.channels[channel_id] = Channel(private, bot_is_member)

    def hold(self, method: str) -> threading.Event:
        """Leaves every call to `method` unanswered (recorded, but its answer not sent) until the returned event is
        set, as a stalled Slack would; at most `HOLD_SECONDS`, so a test that forgets cannot hang."""
        gate = threading.Event()
        with self._lock:
            self._holds[method] = gate
        return gate

    def wait_while_held(self, method: str) -> None:
        gate = self._holds.get(method)
        if gate is not None:
            gate.wait(HOLD_SECONDS)

    def arrive(self, method: str) -> None:
        """Counts a call in flight; holds it while the faults gather calls."""
        with self._flight:
            self._in_flight[method] += 1
            self.most_in_flight[method] = max(self.most_in_flight[method], self._in_flight[method])
            self._flight.notify_all()
            faults = self.faults
            if faults.gather and method in faults.methods and not self._gathered:
                self._flight.wait_for(lambda: self._in_flight[method] >= faults.gather, faults.gather_seconds)
                self._gathered = True

    def leave(self, method: str) -> None:
        with self._flight:
            self._in_flight[method] -= 1

    def respond(self, method: str, args: dict, headers: dict) -> tuple[int, dict, dict, float]:
        """(HTTP status, headers, JSON body, seconds to wait before answering)."""
        call = Call(method, args, headers)
        with self._lock:
            self.calls.append(call)
            self._counts[method] += 1
            number = self._counts[method]
        call.status, answer_headers, body, delay = self._misbehave(method, args, number) or (200, {}, None, 0)
        if body is None:
            body = self.refusal(method, args) or self.answer(method, args, workspace_of(headers))
        return call.status, answer_headers, body, delay + self.latency + self.method_latency.get(method, 0.0)

    def refusal(self, method: str, args: dict) -> dict | None:
        """Slack's answer to a call this token may not make: a scope it lacks, or a channel the bot is not in."""
        if method in METHOD_SCOPES:
            needed = scope_for_conversation(method, str(args.get("channel", "")))
            if needed and not set(needed) & set(self.scopes):
                return {
                    "ok": False,
                    "error": "missing_scope",
                    "needed": ",".join(needed),
                    "provided": ",".join(self.scopes),
                }
        channel = self.channels.get(str(args.get("channel", "")))
        if channel is None or channel.bot_is_member:
            return None
        if method == "conversations.join":
            if channel.private:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            channel.bot_is_member = True
            return None
        if method in ("chat.postMessage", "conversations.history"):
            # Slack does not let on that a private channel the bot is not in exists.
            return {"ok": False, "error": "channel_not_found" if channel.private else "not_in_channel"}
        return None

    def _misbehave(self, method: str, args: dict, number: int) -> tuple[int, dict, dict | None, float] | None:
        faults = self.faults
        if method in faults.methods:
            if faults.rate_limit_every and number % faults.rate_limit_every == 0:
                return 429, {"Retry-After": str(faults.retry_after)}, {"ok": False, "error": "ratelimited"}, 0
            if faults.server_error_every and number % faults.server_error_every == 0:
                return 500, {}, {"ok": False, "error": "internal_error"}, 0
            error = faults.permanent_errors.get(args.get("channel", ""))
            if error:
                return 200, {}, {"ok": False, "error": error}, 0
            if faults.slow_every and number % faults.slow_every == 0:
                return 200, {}, None, faults.slow_seconds
        return None

    def answer(self, method: str, args: dict, workspace: str = TEAM_ID) -> dict:
        if method.startswith("response/"):
            return {"ok": True}
        if method == "auth.test":
            return {
                "ok": True,
                "team_id": workspace,
                "team": "Stand-in",
                "user_id": BOT_USER_ID,
                "bot_id": "B0BOT",
                "url": "https://stand-in.slack.com/",
            }
        if method == "oauth.v2.access":
            # The code names the workspace being installed: `code-T0ONE` installs into T0ONE.
            team = args.get("code", "").removeprefix("code-") or TEAM_ID
            return {
                "ok": True,
                "access_token": f"xoxb-{team}-secret",
                "token_type": "bot",
                "scope": "commands,chat:write",
                "bot_user_id": BOT_USER_ID,
                "app_id": "A0REPCOACH",
                "team": {"id": team, "name": f"Workspace {team}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "U0INSTALLER"},
            }
        if method == "users.info":
            if self.any_user and args.get("user") not in self.users:
                self.add_user(args.get("user", "U0NEW"))
            user = self.users.get(args.get("user", ""))
            if user and PROFILE_EMAIL_SCOPE not in self.scopes and "email" in user.get("profile", {}):
                user = {**user, "profile": {k: v for k, v in user["profile"].items() if k != "email"}}
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method in ("views.open", "views.update", "views.publish"):
            return {"ok": True, "view": {"id": "V0VIEW", **Call(method, args, {}).structured("view")}}
        if method == "chat.postMessage":
            channel = dm_channel(args["channel"])
            message = {"type": "message", "ts": f"{time.time():.6f}", "text": args.get("text", ""), "user": BOT_USER_ID}
            if args.get("metadata"):
                message["metadata"] = Call(method, args, {}).structured("metadata")
            with self._lock:
                self._history[channel].append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.calls):06d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base_url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            files = Call(method, args, {}).structured("files")
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": dm_channel(args["users"])}}
        if method == "conversations.join":
            return {"ok": True, "channel": {"id": args["channel"], "is_member": True}}
        if method == "conversations.history":
            with self._lock:
                messages = list(reversed(self._history.get(args["channel"], [])))
            if str(args.get("include_all_metadata")).lower() not in ("true", "1"):
                messages = [{k: v for k, v in message.items() if k != "metadata"} for message in messages]
            return {"ok": True, "messages": messages[: int(args.get("limit", 100))], "has_more": False}
        return {"ok": True}

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def delivered(self) -> Counter:
        """How many messages each conversation really received, including answers that came too late."""
        with self._lock:
            return Counter({channel: len(messages) for channel, messages in self._history.items()})

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, channel: str | None = None) -> list[Call]:
        """The calls to `method` (only those to `channel`, if given), once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while True:
            calls = [call for call in self.calls_to(method) if channel is None or call.args.get("channel") == channel]
            if len(calls) >= count:
                return calls
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} call(s) to {method}, got {len(calls)}")
            time.sleep(0.01)


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops a burst's extra connections, and the client's retry comes a second
    # later: forty calls at once would seem to take a second longer than Slack's.
    request_queue_size = 128


def workspace_of(headers: dict) -> str:
    """Tokens the stand-in issues name their workspace (`xoxb-T0ONE-secret`); any other is the default one."""
    token = (headers.get("Authorization") or headers.get("authorization") or "").removeprefix("Bearer ")
    parts = token.split("-")
    return parts[1] if len(parts) == 3 and parts[1].startswith("T") else TEAM_ID


def dm_channel(recipient: str) -> str:
    """Slack answers a DM sent to a user id with the id of the direct-message conversation."""
    return "D" + recipient[1:] if recipient.startswith("U") else recipient


def method_latency(text: str) -> tuple[str, float]:
    method, _, delay = text.partition("=")
    if method not in METHOD_SCOPES:
        raise argparse.ArgumentTypeError(
            f"{method!r} is not a method the stand-in answers; one of {sorted(METHOD_SCOPES)}"
        )
    return method, seconds(delay)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3001)
    parser.add_argument("--latency", type=seconds, default=0.0, help="seconds each Web API call takes to answer")
    parser.add_argument(
        "--method-latency",
        type=method_latency,
        action="append",
        default=[],
        metavar="METHOD=SECONDS",
        help="more seconds for one method, like users.info=0.8 (may be repeated)",
    )
    args = parser.parse_args()
    stand_in = LocalSlack(any_user=True, latency=args.latency, method_latency=dict(args.method_latency)).start(
        args.port
    )
    print(f"Slack stand-in listening; set SLACK_API_URL={stand_in.api_url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
