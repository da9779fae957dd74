"""What a `/coach` subcommand handler is given, and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.blocks.kit import Message
from bot.deps import Deps
from coaching.i18n import Language, Translator, translator
from coaching.models import Rep
from coaching.preferences import language


@dataclass
class CoachRequest:
    session: Session
    rep: Rep
    today: date
    words: list[str]
    # The text after the subcommand, as typed (escaped by Slack).
    text: str
    deps: Deps
    client: WebClient
    # Work to do after the answer has gone back to Slack (sending a post, say).
    after: list[Callable[[], object]] = field(default_factory=list)

    @property
    def language(self) -> Language:
        """The rep's language as it is now: after `/coach lang`, the one just chosen."""
        return language(self.rep)

    @property
    def translator(self) -> Translator:
        return translator(self.language)


Handler = Callable[[CoachRequest], Message]
