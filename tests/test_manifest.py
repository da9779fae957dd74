"""slack-manifest.yml against the rules of Slack's app manifest schema (github.com/slackapi/manifest-schema, restated
here for the parts RepCoach uses) and against the code: every command, event, interaction and Web API method the
code uses is declared, with the scopes Slack's method reference gives for it."""

from __future__ import annotations

import ast
import inspect
import re
from functools import cache
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.installations import SCOPES
from bot.slack.scopes import METHOD_SCOPES, manifest, manifest_bot_scopes, scope_for_conversation

BOT = Path(__file__).resolve().parents[1] / "bot"
HTTP_URL = re.compile(r"^https?://")
# Slack's scope names: a resource, then an optional action with dotted refinements (`chat:write.public`).
SCOPE_NAME = re.compile(r"^[a-z]+(_[a-z]+)*(:[a-z]+([._][a-z]+)*)?$")
EVENT_NAME = re.compile(r"^[a-z]+(_[a-z]+)*$")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")


class Problems(list[str]):
    """Every rule a manifest breaks, each named by its path in the manifest."""

    def keys(self, where: str, value: object, allowed: set[str], required: frozenset[str] = frozenset()) -> bool:
        if not isinstance(value, dict):
            self.append(f"{where}: an object, not {type(value).__name__}")
            return False
        self.extend(f"{where}.{key}: not a key Slack knows" for key in sorted(set(value) - allowed))
        self.extend(f"{where}.{key}: required" for key in sorted(required - set(value)))
        return True

    def text(self, where: str, value: object, shortest: int = 0, longest: int | None = None, pattern=None) -> None:
        if value is None:
            return
        if not isinstance(value, str):
            self.append(f"{where}: a string, not {type(value).__name__}")
        elif len(value) < shortest or (longest is not None and len(value) > longest):
            self.append(f"{where}: {len(value)} characters, Slack takes {shortest} to {longest}")
        elif pattern is not None and not pattern.search(value):
            self.append(f"{where}: {value!r} does not match {pattern.pattern}")

    def flag(self, where: str, value: object) -> None:
        if value is not None and not isinstance(value, bool):
            self.append(f"{where}: true or false, not {value!r}")

    def strings(self, where: str, value: object, most: int, longest: int, pattern=None, unique: bool = True) -> None:
        if value is None:
            return
        if not isinstance(value, list) or len(value) > most:
            self.append(f"{where}: a list of at most {most}")
            return
        if unique and len(set(map(str, value))) != len(value):
            self.append(f"{where}: repeats an entry")
        for index, item in enumerate(value):
            self.text(f"{where}[{index}]", item, 1, longest, pattern)


def manifest_problems(document: object) -> list[str]:
    problems = Problems()
    top = {"_metadata", "display_information", "features", "oauth_config", "settings", "app_directory"}
    if not problems.keys("manifest", document, top, frozenset({"display_information"})):
        return problems
    assert isinstance(document, dict)

    display = document.get("display_information", {})
    allowed_display = {"name", "description", "background_color", "long_description"}
    if problems.keys("display_information", display, allowed_display, frozenset({"name"})):
        problems.text("display_information.name", display.get("name"), 1, 35)
        problems.text("display_information.description", display.get("description"), 1, 140)
        problems.text("display_information.background_color", display.get("background_color"), 4, 7, HEX_COLOUR)
        problems.text("display_information.long_description", display.get("long_description"), 175, 4000)

    features = document.get("features", {})
    allowed_features = {"app_home", "bot_user", "shortcuts", "slash_commands", "unfurl_domains", "workflow_steps"}
    if problems.keys("features", features, allowed_features):
        home = features.get("app_home", {})
        home_flags = {"home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled"}
        if problems.keys("features.app_home", home, home_flags):
            for name in home_flags:
                problems.flag(f"features.app_home.{name}", home.get(name))
        bot_user = features.get("bot_user", {"display_name": "-"})
        if problems.keys("features.bot_user", bot_user, {"display_name", "always_online"}, frozenset({"display_name"})):
            problems.text("features.bot_user.display_name", bot_user.get("display_name"), 1, 80)
            problems.flag("features.bot_user.always_online", bot_user.get("always_online"))
        commands = features.get("slash_commands", [])
        if not isinstance(commands, list) or len(commands) > 50:
            problems.append("features.slash_commands: a list of at most 50")
            commands = []
        for index, command in enumerate(commands):
            where = f"features.slash_commands[{index}]"
            allowed = {"command", "url", "description", "usage_hint", "should_escape"}
            if problems.keys(where, command, allowed, frozenset({"command", "description"})):
                problems.text(f"{where}.command", command.get("command"), 2, 32, re.compile("^/"))
                problems.text(f"{where}.description", command.get("description"), 1, 2000)
                problems.text(f"{where}.url", command.get("url"), 1, 3000, HTTP_URL)
                problems.text(f"{where}.usage_hint", command.get("usage_hint"), 1, 1000)
                problems.flag(f"{where}.should_escape", command.get("should_escape"))
        shortcuts = features.get("shortcuts", [])
        for index, shortcut in enumerate(shortcuts if isinstance(shortcuts, list) else []):
            where = f"features.shortcuts[{index}]"
            required = frozenset({"name", "type", "callback_id", "description"})
            if problems.keys(where, shortcut, set(required), required):
                problems.text(f"{where}.name", shortcut.get("name"), 1, 24)
                problems.text(f"{where}.callback_id", shortcut.get("callback_id"), 1, 255)
                problems.text(f"{where}.description", shortcut.get("description"), 1, 150)
                if shortcut.get("type") not in ("message", "global"):
                    problems.append(f"{where}.type: message or global, not {shortcut.get('type')!r}")

    oauth = document.get("oauth_config", {})
    allowed_oauth = {"redirect_urls", "scopes", "token_management_enabled", "pkce_enabled"}
    if problems.keys("oauth_config", oauth, allowed_oauth):
        problems.strings("oauth_config.redirect_urls", oauth.get("redirect_urls"), 1000, 2500)
        scopes = oauth.get("scopes", {})
        if problems.keys("oauth_config.scopes", scopes, {"bot", "user", "bot_optional", "user_optional"}):
            for kind in sorted(scopes):
                problems.strings(f"oauth_config.scopes.{kind}", scopes[kind], 255, 50, SCOPE_NAME)

    settings = document.get("settings", {})
    allowed_settings = {
        "allowed_ip_address_ranges",
        "event_subscriptions",
        "incoming_webhooks",
        "interactivity",
        "org_deploy_enabled",
        "socket_mode_enabled",
        "token_rotation_enabled",
        "is_hosted",
    }
    if problems.keys("settings", settings, allowed_settings):
        for name in ("org_deploy_enabled", "socket_mode_enabled", "token_rotation_enabled", "is_hosted"):
            problems.flag(f"settings.{name}", settings.get(name))
        interactivity = settings.get("interactivity")
        allowed = {"is_enabled", "request_url", "message_menu_options_url"}
        if interactivity is not None and problems.keys(
            "settings.interactivity", interactivity, allowed, frozenset({"is_enabled"})
        ):
            problems.flag("settings.interactivity.is_enabled", interactivity.get("is_enabled"))
            for name in ("request_url", "message_menu_options_url"):
                problems.text(f"settings.interactivity.{name}", interactivity.get(name), 1, 3500, HTTP_URL)
        events = settings.get("event_subscriptions")
        allowed = {"request_url", "bot_events", "user_events", "metadata_subscriptions"}
        if events is not None and problems.keys("settings.event_subscriptions", events, allowed):
            problems.text("settings.event_subscriptions.request_url", events.get("request_url"), 1, 3500, HTTP_URL)
            for kind in ("bot_events", "user_events"):
                problems.strings(f"settings.event_subscriptions.{kind}", events.get(kind), 100, 50, EVENT_NAME)
    return problems


def test_the_manifest_keeps_to_slacks_schema():
    assert manifest_problems(manifest()) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda m: m["display_information"].update(name="R" * 36), "display_information.name: 36 characters"),
        (lambda m: m["display_information"].pop("name"), "display_information.name: required"),
        (lambda m: m["display_information"].update(background_color="green"), "background_color"),
        (lambda m: m["features"]["slash_commands"][0].update(command="log"), "slash_commands[0].command"),
        (lambda m: m["features"]["slash_commands"][0].pop("description"), "slash_commands[0].description: required"),
        (lambda m: m["features"]["slash_commands"][0].update(url="ftp://x"), "slash_commands[0].url"),
        (lambda m: m["features"]["slash_commands"][0].update(should_escape="yes"), "should_escape: true or false"),
        (lambda m: m["features"]["bot_user"].update(display_name=""), "bot_user.display_name"),
        (lambda m: m["oauth_config"]["scopes"]["bot"].append("Chat Write"), "oauth_config.scopes.bot[10]"),
        (lambda m: m["oauth_config"]["scopes"]["bot"].append("commands"), "repeats an entry"),
        (lambda m: m["settings"]["interactivity"].pop("is_enabled"), "interactivity.is_enabled: required"),
        (lambda m: m["settings"]["event_subscriptions"]["bot_events"].append("App Home"), "bot_events[3]"),
        (lambda m: m["settings"].update(socket_mode="on"), "settings.socket_mode: not a key Slack knows"),
        (lambda m: m.update(features=[]), "features: an object"),
    ],
)
def test_each_schema_rule_catches_a_manifest_that_breaks_it(change, problem):
    broken = _copy(manifest())
    change(broken)
    assert any(problem in found for found in manifest_problems(broken)), manifest_problems(broken)


def _copy(value):
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


# --- the code against the manifest ------------------------------------------------------------------


@cache
def listener_registrations() -> dict[str, set[str]]:
    """What `app.command(...)`, `app.event(...)`, `app.shortcut(...)`, `app.action(...)`, `app.view(...)` register
    in bot/, by kind; a registration whose argument is not a literal counts under its kind as `?`."""
    found: dict[str, set[str]] = {kind: set() for kind in ("command", "event", "shortcut", "action", "view", "options")}
    for node in _calls():
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "app"
            and node.args
        ):
            first = node.args[0]
            found.get(func.attr, set()).add(first.value if isinstance(first, ast.Constant) else "?")
    return found


@cache
def web_api_methods_called() -> set[str]:
    """The Web API methods bot/ calls through slack_sdk's WebClient, resolved through the client's own code
    (`files_upload_v2` calls files.getUploadURLExternal and files.completeUploadExternal)."""
    client_methods = {
        node.func.attr
        for node in _calls()
        if isinstance(node.func, ast.Attribute) and hasattr(WebClient, node.func.attr)
    }
    return {api for name in client_methods for api in _api_methods(name)}


@cache
def _api_methods(client_method: str) -> frozenset[str]:
    source = inspect.getsource(getattr(WebClient, client_method))
    named = set(re.findall(r'api_call\(\s*"([^"]+)"', source))
    for called in set(re.findall(r"self\.(\w+)\(", source)) - {"api_call", client_method}:
        if callable(getattr(WebClient, called, None)) and not called.startswith("_"):
            named |= _api_methods(called)
    return frozenset(named)


@cache
def _calls() -> tuple[ast.Call, ...]:
    calls = []
    for path in BOT.rglob("*.py"):
        if "dev" in path.relative_to(BOT).parts:  # the stand-in and demo tools are not the app Slack talks to
            continue
        calls += [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.Call)]
    return tuple(calls)


def test_the_scan_finds_what_the_code_is_known_to_use():
    # Guards the scan itself: were it to find nothing, the checks below would pass vacuously.
    assert {"/log", "/scorecard", "/coach"} <= listener_registrations()["command"]
    assert {"chat.postMessage", "users.info", "files.getUploadURLExternal"} <= web_api_methods_called()


def test_every_slash_command_the_code_handles_is_declared_at_the_events_url():
    declared = {command["command"]: command for command in manifest()["features"]["slash_commands"]}
    assert listener_registrations()["command"] == set(declared)
    assert {command["url"] for command in declared.values()} == {manifest_events_url()}


def test_every_event_the_code_listens_for_is_a_bot_event_and_the_other_way_round():
    subscriptions = manifest()["settings"]["event_subscriptions"]
    assert listener_registrations()["event"] == set(subscriptions["bot_events"])
    assert subscriptions["request_url"] == manifest_events_url()


def test_interactions_are_enabled_when_the_code_handles_any():
    registrations = listener_registrations()
    assert registrations["action"] and registrations["view"]
    interactivity = manifest()["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True and interactivity["request_url"] == manifest_events_url()
    declared_shortcuts = {shortcut["callback_id"] for shortcut in manifest()["features"].get("shortcuts", [])}
    assert registrations["shortcut"] == declared_shortcuts


def test_every_web_api_method_the_code_calls_has_a_scope_the_manifest_requests():
    requested = set(manifest_bot_scopes())
    called = web_api_methods_called()
    assert called <= set(METHOD_SCOPES), f"add {called - set(METHOD_SCOPES)} to bot.slack.scopes.METHOD_SCOPES"
    missing = {method: scopes for method, scopes in METHOD_SCOPES.items() if scopes and not requested & set(scopes)}
    assert missing == {}
    # The sender reads back DMs and team channels, public and private, before resending an uncertain post.
    for channel in ("D0DM", "C0PUBLIC", "G0PRIVATE"):
        assert set(scope_for_conversation("conversations.history", channel)) <= requested
    # Slash commands need the commands scope, which no method names.
    assert "commands" in requested


def test_the_install_asks_for_exactly_the_manifests_scopes():
    assert sorted(SCOPES) == sorted(manifest_bot_scopes())


def test_the_stand_in_refuses_a_method_whose_scope_the_token_lacks_as_slack_does(slack):
    slack.scopes = ("chat:write",)
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    assert client.chat_postMessage(channel="U0ANNA", text="hello")["ok"]
    with pytest.raises(SlackApiError) as refused:
        client.conversations_open(users="U0ANNA")
    assert refused.value.response.data == {
        "ok": False,
        "error": "missing_scope",
        "needed": "im:write,mpim:write,channels:manage,groups:write",
        "provided": "chat:write",
    }


def test_the_stand_in_asks_for_the_history_scope_of_the_conversations_type(slack):
    slack.scopes = ("chat:write", "channels:history")
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    assert client.conversations_history(channel="C0PUBLIC")["ok"]
    with pytest.raises(SlackApiError) as refused:
        client.conversations_history(channel="D0DM")
    assert refused.value.response["needed"] == "im:history"


def manifest_events_url() -> str:
    return manifest()["settings"]["event_subscriptions"]["request_url"]
