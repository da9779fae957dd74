"""The HTTP face of the app: Slack's requests at POST /slack/events, GET /healthz, GET /metrics, and with
OAuth the install pages at GET /slack/install and /slack/oauth_redirect."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import metrics
from coaching import outbox


def create_web_app(bolt_app: App, engine: Engine) -> Starlette:
    async def slack_events(request: Request) -> Response:
        with metrics.HANDLER_LATENCY.time():
            bolt_request = to_bolt_request(request, await request.body())
            # Bolt's dispatch blocks until the listener acks; keep it off the event loop.
            bolt_response = await run_in_threadpool(bolt_app.dispatch, bolt_request)
            return to_starlette_response(bolt_response)

    async def prometheus(_request: Request) -> Response:
        metrics.QUEUE_DEPTH.set(await run_in_threadpool(_queue_depth, engine))
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    async def healthz(_request: Request) -> JSONResponse:
        try:
            await run_in_threadpool(_ping, engine)
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

        routes += [Route(flow.install_path, install, methods=["GET"]),
                   Route(flow.redirect_uri_path, oauth_redirect, methods=["GET"])]
    return Starlette(routes=routes)


def _queue_depth(engine: Engine) -> int:
    with Session(engine) as session:
        return outbox.depth(session)


def _ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
