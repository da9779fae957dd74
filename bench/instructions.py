"""`python -m bench instructions`: the CPU instructions one `/log` costs, RepCoach against a bare Bolt app.

Latency and CPU time on a shared machine move with whatever else runs (two cores here, often shared with tests
and other benchmarks: the bare app's CPU a request has measured anywhere from 0.38 to 0.97 ms). Instructions do
not. Each app runs in its own process under valgrind's callgrind, with counting off while it starts and warms up,
then on for `--requests` signed `/log contacts=30 fcr=24 csat=4.6` requests, each from a different stored rep with
a fresh profile, sent to its Starlette app in-process (no HTTP server, so uvicorn's share, the same for both, is
left out). RepCoach is the app `repcoach serve` builds, on PostgreSQL; the bare app is bench/bare_app.py. The
Slack stand-in runs in its own process, uncounted. PostgreSQL's own work is not counted either.

Needs valgrind (`apt-get install valgrind`); a run takes about a minute per app.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.common import REPS, Report, empty_database, insert_rows, local_slack, postgres_url, print_machine, rep_row
from bench.common import user_id as bench_user
from bot.entrypoints.arguments import positive_int
from tests.slack_requests import signed_headers, slash_command_body

TEXT = "contacts=30 fcr=24 csat=4.6"
BOT_TOKEN, SIGNING_SECRET = "xoxb-bench", "bench-secret"
WARMUP = 200
APPS = ("bare", "repcoach")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench instructions", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=postgres_url("repcoach_bench_instructions"),
        help="RepCoach's database, emptied first (default: %(default)s)",
    )
    parser.add_argument("--requests", type=positive_int, default=300, help="counted requests per app (default 300)")
    parser.add_argument("--child", choices=APPS, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return asyncio.run(serve_counted(args.child, args.database_url, args.api_url, args.requests))
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("bench instructions needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2

    print_machine(f"instructions: `/log {TEXT}`, {args.requests} counted requests per app, in-process, under callgrind")
    engine = empty_database(args.database_url)
    with engine.begin() as connection:
        insert_rows(connection, REPS, (rep_row(number, datetime.now(UTC)) for number in range(WARMUP + args.requests)))
    engine.dispose()
    report = Report("instructions")
    with local_slack() as api_url:
        counted = {app: instructions(app, args, api_url) for app in APPS}
    for app in APPS:
        report.figure(f"{app}: instructions a /log", counted[app] / args.requests / 1e6, " M", digits=3)
    report.figure("ratio repcoach / bare", counted["repcoach"] / counted["bare"], "", digits=2)
    return report.summary()


def instructions(app: str, args: argparse.Namespace, api_url: str) -> int:
    """Runs `app` under callgrind, counting only its `args.requests` measured requests."""
    with tempfile.TemporaryDirectory(prefix="repcoach-callgrind-") as scratch:
        output = Path(scratch) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={output}.%p",
            sys.executable,
            "-m",
            "bench",
            "instructions",
            "--child",
            app,
            "--database-url",
            args.database_url,
            "--api-url",
            api_url,
            "--requests",
            str(args.requests),
        ]
        environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        with subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=environment,
        ) as child:
            assert child.stdin is not None and child.stdout is not None
            expect(child, "warm")
            control("-i", "on", child.pid)
            child.stdin.write("go\n")
            child.stdin.flush()
            expect(child, "done")
            control("-i", "off", child.pid)
            control("-d", child.pid)
            child.stdin.write("exit\n")
            child.stdin.flush()
        if child.returncode != 0:
            raise SystemExit(f"the {app} app failed under callgrind (exit {child.returncode})")
        return sum(totals(dump) for dump in Path(scratch).glob("callgrind.out.*"))


def expect(child: subprocess.Popen, word: str) -> None:
    line = child.stdout.readline().strip() if child.stdout else ""
    if line != word:
        raise SystemExit(f"expected {word!r} from the app under callgrind, got {line!r}")


def control(*arguments: object) -> None:
    subprocess.run(["callgrind_control", *map(str, arguments)], check=True, capture_output=True)


def totals(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    return 0


async def serve_counted(app: str, database_url: str, api_url: str, requests: int) -> int:
    """In the child, under callgrind: warm up, say "warm", wait for "go", send the counted requests, say "done"."""
    os.environ.update(
        SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api_url, DATABASE_URL=database_url
    )
    web_app = built(app)
    response_url = api_url.replace("/api/", "/response/command")
    bodies = [slash_command_body("/log", TEXT, bench_user(number), response_url) for number in range(WARMUP + requests)]
    for body in bodies[:WARMUP]:
        await post(web_app, body)
    print("warm", flush=True)
    sys.stdin.readline()
    for body in bodies[WARMUP:]:
        await post(web_app, body)
    print("done", flush=True)
    sys.stdin.readline()
    return 0


def built(app: str):
    if app == "bare":
        from bench.bare_app import create_web_app

        return create_web_app()
    from bot.entrypoints.settings import load_settings
    from bot.entrypoints.web import serving_app
    from coaching import db

    settings = load_settings()
    return serving_app(settings, db.make_engine(settings.database_url))


async def post(web_app, body: str) -> None:
    """One signed POST to /slack/events through the ASGI interface, as uvicorn would make it."""
    raw = body.encode()
    headers = {**signed_headers(body, secret=SIGNING_SECRET), "Content-Length": str(len(raw))}
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/slack/events",
        "raw_path": b"/slack/events",
        "query_string": b"",
        "root_path": "",
        "headers": [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    received = False

    async def receive() -> dict:
        nonlocal received
        if received:
            await asyncio.Event().wait()  # the client never hangs up
        received = True
        return {"type": "http.request", "body": raw, "more_body": False}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    await web_app(scope, receive, send)
    answer = b"".join(message.get("body", b"") for message in sent[1:])
    if sent[0].get("status") != 200 or b"Logged" not in answer:
        raise SystemExit(f"{sent[0].get('status')}: {answer[:200]!r}")
