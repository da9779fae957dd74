"""The HTTP face of the app: Slack's requests at POST /slack/events, GET /healthz, GET /metrics, and with
OAuth the install pages at GET /slack/install and /slack/oauth_redirect."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
from concurrent.futures import ThreadPoolExecutor

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.request.internals import build_context
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from uvicorn.supervisors import Multiprocess

from bot.app import build_app
from bot.delivery import metrics
from bot.deps import slack_deps
from bot.entrypoints.settings import Settings, configure_logging, load_settings
from bot.entrypoints.slack_guard import MAX_BODY_BYTES, ReadBody, SeenRequests, is_signed_by_slack, read_body
from bot.slack.installations import state_store
from bot.slack.lanes import Lane, quick_lane
from coaching import db, outbox

logger = logging.getLogger(__name__)

# What each `repcoach serve --workers N` process builds its app with.
WORKER_FACTORY = "bot.entrypoints.web:app_from_environment"


def serve(web_app: Starlette, factory: str, host: str, port: int, workers: int) -> None:
    """Serves `web_app` with uvicorn.

    With several workers, each process builds its own with `factory` (an import string).
    """
    if workers == 1:
        uvicorn.run(web_app, host=host, port=port, log_level="info")
        return
    config = uvicorn.Config(factory, factory=True, workers=workers, host=host, port=port, log_level="info")
    listening = _port_socket(host, port)
    logger.info("serving on %s port %d from %d worker processes", host, listening.getsockname()[1], workers)
    Multiprocess(config, sockets=[listening]).run()


def _port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Protocol IPPROTO_TCP, not the 0 uvicorn uses: asyncio takes a 0 for not TCP and leaves Nagle's algorithm on,
    # and each answer then waits ~40 ms for the client's delayed ACK.
    sock = _SocketPerWorker(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


class _SocketPerWorker(socket.socket):
    """Reaches each worker process as a socket of its own on the same port (SO_REUSEPORT), so the kernel spreads
    connections over the workers. On one shared socket the first worker to wake accepts every waiting
    connection, and Slack's keep-alive connections would stay with it."""

    def __reduce__(self):
        host, port = self.getsockname()[:2]
        return _port_socket, (host, port)


def serving_app(settings: Settings, engine: Engine) -> Starlette:
    """What `repcoach serve` answers HTTP with."""
    states = state_store(engine) if settings.distributed else None
    bolt_app = build_app(settings, slack_deps(settings, engine), states=states)
    web_app = create_web_app(bolt_app, engine, settings.slack_signing_secret)
    settle_heap()
    return web_app


def settle_heap() -> None:
    """Takes what start-up made (modules, the app, the practice library) out of the garbage collector's sight.

    Those objects live as long as the process, yet every full collection walked all of them again: about 70 ms in
    which the process answered nobody, which set the p99 of a round whenever it fell inside one (bench/ack.py)."""
    gc.collect()  # what start-up already dropped is freed now; frozen, it would stay for good
    gc.freeze()


def app_from_environment() -> Starlette:
    """A worker process's app; the parent has already checked the settings, the token and the schema."""
    configure_logging()
    settings = load_settings()
    return serving_app(settings, db.make_engine(settings.database_url))


def create_web_app(bolt_app: App, engine: Engine, signing_secret: str | None = None) -> Starlette:
    """`signing_secret`: what Slack signs requests with; by default the Bolt app's own."""
    secret = signing_secret if signing_secret is not None else bolt_app._signing_secret
    seen, statements = SeenRequests(engine), db.on_their_own(engine)

    async def slack_events(request: Request) -> Response:
        with metrics.HANDLER_LATENCY.time():
            body = await _body_within(request, MAX_BODY_BYTES)
            if body is None:
                return PlainTextResponse("request body too large", status_code=413)
            if not is_signed_by_slack(body, request.headers, secret):
                return PlainTextResponse("invalid or missing Slack signature", status_code=401)
            read = read_body(body, request.headers)
            if isinstance(read, str):
                return PlainTextResponse(read, status_code=400)
            if "x-slack-retry-num" in request.headers and request.headers.get("x-slack-retry-reason") not in _UNHANDLED:
                # Slack sends an event again when the answer was late: the first is being (or was) handled.
                return Response(status_code=200)
            loop, signature = asyncio.get_running_loop(), request.headers["x-slack-signature"]
            lane = Lane()
            while True:
                answered = answer_quickly(signature, lane, _bolt_request(request, read))
                if lane.waits_for is None:
                    return to_starlette_response(answered)
                # It must wait on Slack first (bot.slack.lanes): the call is made on a thread that does nothing else
                # meanwhile, then the request is handled again from the start, with Slack's answer.
                await loop.run_in_executor(_SLACK_CALLS, lane.answer, lane.waits_for)

    def answer_quickly(signature: str, lane: Lane, bolt_request: BoltRequest) -> BoltResponse:
        """On the event loop, one request at a time, as a synchronous worker would: the cheapest way. A replay is
        answered the first time only; a request back from waiting on Slack is not one."""
        if not lane.answers:
            try:
                first_time = seen.first_time(signature)
            except SQLAlchemyError as error:
                # Without the record a replay would act twice, and nothing else could be stored either.
                logger.error("request refused, its replay record failed: %s", str(error).splitlines()[0])
                return BoltResponse(status=503, body="database unavailable")
            if not first_time:
                return BoltResponse(status=200, body="")
        with quick_lane(lane):
            return bolt_app.dispatch(bolt_request)

    async def prometheus(_request: Request) -> Response:
        metrics.QUEUE_DEPTH.set(await run_in_threadpool(_queue_depth, engine))
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    async def healthz(_request: Request) -> JSONResponse:
        try:
            # On the loop, as every quick-lane request queries: a thread would have to take its turn at the
            # interpreter twice, behind a burst's requests (bench/ack.py's newcomers).
            statements.first(text("SELECT 1"), {})
        except SQLAlchemyError:
            return JSONResponse({"status": "unhealthy", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    routes = [
        Route("/slack/events", slack_events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", prometheus, methods=["GET"]),
    ]
    flow = bolt_app.oauth_flow
    if flow is not None:

        async def install(request: Request) -> Response:
            bolt_request = to_bolt_request(request, await request.body())
            return to_starlette_response(await run_in_threadpool(flow.handle_installation, bolt_request))

        async def oauth_redirect(request: Request) -> Response:
            bolt_request = to_bolt_request(request, await request.body())
            return to_starlette_response(await run_in_threadpool(flow.handle_callback, bolt_request))

        routes += [
            Route(flow.install_path, install, methods=["GET"]),
            Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"]),
        ]
    return Starlette(routes=routes)


# Why Slack sends an event again when the first delivery did nothing here: an error answer (a 503 while the
# database is unreachable), or it never arrived. Such a retry is handled; every event listener may run twice.
_UNHANDLED = frozenset({"http_error", "connection_failed", "ssl_error", "too_many_redirects"})

# bot.slack.lanes. Enough threads that every request in a burst of newcomers has one for its call to Slack; they hold
# no database connection and barely use the interpreter.
_SLACK_CALLS = ThreadPoolExecutor(max_workers=64, thread_name_prefix="slack-calls")


def _bolt_request(request: Request, read: ReadBody) -> BoltRequest:
    """As Bolt's Starlette adapter builds it, but from the body the guard has read: Bolt's own constructor would
    parse it again (4% of a /log's instructions, `python -m bench instructions`)."""
    bolt_request = BoltRequest(body="", query=request.query_params, headers=request.headers)  # type: ignore[arg-type]
    bolt_request.raw_body, bolt_request.body = read.text, read.parsed
    bolt_request.context = build_context(BoltContext(), read.parsed)
    return bolt_request


async def _body_within(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed `limit` bytes (from Content-Length, before reading)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _queue_depth(engine: Engine) -> int:
    with Session(engine) as session:
        return outbox.depth(session)
