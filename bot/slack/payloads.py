"""The parts of Slack's payloads that Bolt and our listeners read, checked once before either reads them.

A signed request is from Slack, but its body can still lack a field or carry one of another type: an older
client, a control forged on a Home tab, an org-wide install whose events name no workspace. Two checks, in order:

- `envelope_fault` (called by bot.entrypoints.slack_guard before Bolt sees the body): the fields Bolt itself
  indexes to route a request and build its context. Bolt cannot survive a body without them, so it gets a 400.
- `payload_checker(sessions)`, a global Bolt middleware: the parts our listeners read. A request that does not
  fit is answered here, in words (in the sender's language when we know them), where Slack can show them (the
  command's ephemeral answer, the action's `response_url` or the app's DM, the form itself), and no listener runs,
  so nothing is stored. Listeners then read the typed parts with `command_part`, `actions_part` and `view_part`,
  and never index a raw body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from sqlalchemy.orm import Session, sessionmaker

from bot.after_answer import after_answer
from bot.blocks.kit import Message, problem
from coaching.db import InTransaction
from coaching.i18n import SOURCE_LANGUAGE, Language, lazy_gettext, translator
from coaching.preferences import language
from coaching.refusals import Refusal
from coaching.reps import find_profile

logger = logging.getLogger(__name__)

UNREADABLE = lazy_gettext("Slack sent that in a shape I cannot read, so I did nothing.")
NOBODY = lazy_gettext("Slack sent that without saying who you are or which workspace you are in, so I did nothing.")


_COMMAND, _ACTION, _VIEW = "repcoach_command", "repcoach_actions", "repcoach_view"
# What a person sends (as against events): each must say who and in which workspace.
_KINDS = ("command", "block_actions", "view_submission")


class Part(BaseModel):
    # Slack adds fields over time; only those we read are checked.
    model_config = ConfigDict(extra="ignore", frozen=True)


class CommandPart(Part):
    command: str
    text: str = ""
    trigger_id: str


class Option(Part):
    value: str


class ActionPart(Part):
    """One control's part of a `block_actions`: a button's value or what a picker now holds."""

    action_id: str
    value: str | None = None
    selected_time: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] = []


class Container(Part):
    # "message" for a button on a message, "view" for a control on the Home tab or in a form.
    type: str | None = None


class MessagePart(Part):
    blocks: list[dict[str, Any]] = []


class BlockActions(Part):
    trigger_id: str
    actions: Annotated[list[ActionPart], Field(min_length=1)]
    container: Container = Container()
    message: MessagePart = MessagePart()

    @property
    def action(self) -> ActionPart:
        """The control used: Slack sends one per request."""
        return self.actions[0]


class FieldState(Part):
    """What one input of a submitted form holds."""

    value: str | None = None
    selected_date: str | None = None


class ViewState(Part):
    values: dict[str, dict[str, FieldState]]


class ViewPart(Part):
    callback_id: str
    state: ViewState


class ViewSubmission(Part):
    view: ViewPart


class EventPart(Part):
    type: str


class HomeOpened(EventPart):
    user: str
    tab: str | None = None


class RevokedTokens(Part):
    bot: list[str] = []


class TokensRevoked(EventPart):
    tokens: RevokedTokens = RevokedTokens()


EVENTS: dict[str, type[EventPart]] = {"app_home_opened": HomeOpened, "tokens_revoked": TokensRevoked}

# Who or where, as Bolt reads it: an id, an object with an `id`, or nothing.
_Ref = str | dict[str, Any] | None


class _Referring(Part):
    user: _Ref = None
    team: _Ref = None
    enterprise: _Ref = None
    channel: _Ref = None


class _EventEnvelope(_Referring):
    type: str


class _ViewEnvelope(Part):
    type: str


class _Envelope(_Referring):
    """What slack_bolt's request internals index in any body (`build_context`, `to_action`, `to_view`, …)."""

    type: str | None = None
    authorizations: list[_Referring] | None = None
    response_url: str | None = None
    response_urls: list[dict[str, Any]] | None = None


_FIRST_ACTION: TypeAdapter[object] = TypeAdapter(
    Annotated[list[Any], Field(min_length=1)] | Annotated[str, Field(min_length=1)]
)


def envelope_fault(body: dict[str, Any]) -> str | None:
    """Why Bolt could not route this body, in a few words; None when it can."""
    try:
        kind = _Envelope.model_validate(body).type
        if kind == "event_callback" and "event" in body:
            _EventEnvelope.model_validate(body["event"])
        if kind in ("view_submission", "view_closed") and "view" in body:
            _ViewEnvelope.model_validate(body["view"])
        if kind == "block_actions" and "actions" in body:
            _FIRST_ACTION.validate_python(body["actions"])
    except ValidationError as error:
        return f"the payload is not in Slack's shape ({_fault(error)})"
    return None


class _PayloadCheck(Middleware):
    """The check as a Bolt `Middleware` object, which Bolt calls as it is; a function would have its arguments worked
    out afresh on every request."""

    def __init__(self, check: Callable[[dict, BoltContext, Callable[[], BoltResponse]], BoltResponse | None]):
        self._check = check

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        return self._check(req.body, req.context, next)


def payload_checker(sessions: sessionmaker[Session]) -> Middleware:
    def check_payload(body: dict, context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Bolt's global middleware: the request's parts into `context`, or the answer to a request that lacks
        them, in the sender's language when we know them."""
        kind = "command" if "command" in body else body.get("type")
        try:
            if kind == "event_callback":
                return _event(body, context, next)
            if kind == "command":
                context[_COMMAND] = CommandPart.model_validate(body)
            elif kind == "block_actions":
                context[_ACTION] = BlockActions.model_validate(body)
            elif kind == "view_submission":
                context[_VIEW] = ViewSubmission.model_validate(body).view
            if kind in _KINDS and not (isinstance(context.team_id, str) and isinstance(context.user_id, str)):
                raise Refusal(NOBODY)
        except (ValidationError, Refusal) as error:
            refusal = error.message if isinstance(error, Refusal) else UNREADABLE
            logger.info("refused a %s Slack sent in a shape we do not read: %s", kind, _fault(error))
            refused_in = stored_language(sessions, context.team_id, context.user_id)
            refused = problem(refusal, nothing_saved=False, language=refused_in)
            return _refused(kind, context, refused, translator(refused_in).gettext("Close"))
        return next()

    return _PayloadCheck(check_payload)


def stored_language(sessions: sessionmaker[Session], workspace_id: object, user_id: object) -> Language:
    """The sender's own language when we hold their profile. English when the request does not say who sent it
    (nobody can be identified), or for someone we have not met: asking Slack here would wait on it before any
    listener runs, for a request that is refused anyway."""
    if not (isinstance(workspace_id, str) and isinstance(user_id, str)):
        return SOURCE_LANGUAGE
    with sessions() as session:
        profile = find_profile(InTransaction(session.connection()), workspace_id, user_id)
    return SOURCE_LANGUAGE if profile is None else language(profile)


def command_part(context: BoltContext) -> CommandPart:
    return _part(context, _COMMAND, CommandPart)


def actions_part(context: BoltContext) -> BlockActions:
    return _part(context, _ACTION, BlockActions)


def view_part(context: BoltContext) -> ViewPart:
    return _part(context, _VIEW, ViewPart)


def tell(context: BoltContext, message: Message, replace_original: bool = False) -> None:
    """Answers the person privately, after the ack: through the request's `response_url` when it has one, else in
    the app's DM (a control on the Home tab comes without one)."""
    if isinstance(context.response_url, str) and context.respond is not None:
        if replace_original:
            context.respond(replace_original=True, **message)
        else:
            context.respond(replace_original=False, response_type="ephemeral", **message)
    elif context.user_id and context.client is not None:
        context.client.chat_postMessage(channel=context.user_id, **message)


def _event(body: dict, context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse | None:
    event = body.get("event")
    kind = str(event.get("type")) if isinstance(event, dict) else None
    try:
        EVENTS.get(kind or "", EventPart).model_validate(event)
    except ValidationError as error:
        logger.info("ignored an event Slack sent in a shape we do not read: %s", _fault(error))
        return BoltResponse(status=200, body="")
    if not isinstance(context.team_id, str):
        # An org-wide install's events name an organisation, not a workspace; everything RepCoach stores belongs
        # to one workspace, so there is nobody to act for.
        logger.info("ignored a %s event that names no workspace (an org-wide install?)", kind)
        return BoltResponse(status=200, body="")
    return next()


def _refused(kind: object, context: BoltContext, message: Message, close: str) -> BoltResponse:
    if kind == "command":
        return _json({"response_type": "ephemeral", **message})
    if kind == "view_submission":
        # A form's answer can only be the form: it becomes the refusal, and the person closes it.
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "RepCoach"},
            "close": {"type": "plain_text", "text": close},
            "blocks": message["blocks"],
        }
        return _json({"response_action": "update", "view": view})
    if kind == "block_actions" and context.user_id:
        after_answer(lambda: tell(context, message))
    return BoltResponse(status=200, body="")


def _json(payload: dict[str, Any]) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _part(context: BoltContext, key: str, model: type[Any]) -> Any:
    part = context.get(key)
    if not isinstance(part, model):
        raise RuntimeError(f"no {model.__name__} in the context: bot.slack.payloads.payload_checker is not installed")
    return part


def _fault(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, fault['loc']))}: {fault['msg']}" for fault in error.errors()[:3])
    return str(error)
