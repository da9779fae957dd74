"""A local stand-in for Slack's Web API: answers like Slack, records every call.

Point SLACK_API_URL at `stand_in.api_url`. Responses to `response_url` are recorded too, at
`stand_in.response_url(name)`. Run it alone with `python -m tests.slack_stand_in --port 3001`.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

TEAM_ID = "T0TEAM"
BOT_USER_ID = "U0BOT"


@dataclass
class Call:
    method: str
    args: dict
    headers: dict

    def structured(self, name: str):
        """An argument that slack_sdk may send either as JSON or form-encoded JSON text."""
        value = self.args[name]
        return json.loads(value) if isinstance(value, str) else value


@dataclass
class SlackStandIn:
    users: dict[str, dict] = field(default_factory=dict)
    # Run alone, the stand-in knows every user; in tests only those added.
    any_user: bool = False
    calls: list[Call] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, port: int = 0) -> SlackStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = dict(parse_qsl(raw))
                method = self.path.removeprefix("/api/").strip("/")
                answer = stand_in.answer(method, args, dict(self.headers))
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/api/"

    def response_url(self, name: str = "command") -> str:
        return f"{self.base_url}/response/{name}"

    def add_user(self, user_id: str, tz: str = "Europe/Rome", locale: str = "en-US", **extra) -> None:
        self.users[user_id] = {"id": user_id, "team_id": TEAM_ID, "name": user_id.lower(), "tz": tz,
                               "tz_offset": 0, "locale": locale, "is_admin": False, "is_owner": False, **extra}

    def answer(self, method: str, args: dict, headers: dict) -> dict:
        with self._lock:
            self.calls.append(Call(method, args, headers))
        if method.startswith("response/"):
            return {"ok": True}
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM_ID, "team": "Stand-in", "user_id": BOT_USER_ID, "bot_id": "B0BOT",
                    "url": "https://stand-in.slack.com/"}
        if method == "users.info":
            if self.any_user and args.get("user") not in self.users:
                self.add_user(args.get("user", "U0NEW"))
            user = self.users.get(args.get("user", ""))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method in ("views.open", "views.update", "views.publish"):
            return {"ok": True, "view": {"id": "V0VIEW", **Call(method, args, headers).structured("view")}}
        if method == "chat.postMessage":
            return {"ok": True, "channel": args.get("channel"), "ts": f"{time.time():.6f}", "message": args}
        return {"ok": True}

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            time.sleep(0.01)
        raise AssertionError(f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=3001)
    args = parser.parse_args()
    stand_in = SlackStandIn(any_user=True).start(args.port)
    print(f"Slack stand-in listening; set SLACK_API_URL={stand_in.api_url}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
