"""The least a Bolt app can do with `/log`: acknowledge it. Served like bot/web.py serves RepCoach.

The `ack` benchmark starts it as `python -m bench.bare_app --port N` (settings from the environment,
as for `repcoach serve`) and compares RepCoach's acknowledgement latency with this one's.
"""

from __future__ import annotations

import argparse
import os

from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.entrypoints.arguments import positive_int
from bot.entrypoints.web import serve, settle_heap

ACK_TEXT = "Logged."


def create_web_app() -> Starlette:
    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    bolt_app = App(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @bolt_app.command("/log")
    def log_command(ack: Ack) -> None:
        ack(response_type="ephemeral", text=ACK_TEXT)

    async def slack_events(request: Request) -> Response:
        bolt_request = to_bolt_request(request, await request.body())
        bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    web_app = Starlette(
        routes=[Route("/slack/events", slack_events, methods=["POST"]), Route("/healthz", healthz, methods=["GET"])]
    )
    settle_heap()
    return web_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--workers", type=positive_int, default=1)
    args = parser.parse_args()
    # As `repcoach serve` runs it.
    serve(create_web_app(), "bench.bare_app:create_web_app", args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
