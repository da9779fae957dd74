"""Messages about the helpdesk import: the notice admins get when a sync starts failing."""

from __future__ import annotations

from bot.blocks.kit import Message, escape, section
from coaching.i18n import Language, translator


def sync_failure_message(*, helpdesk: str, failure: str, kind: str, language: Language = "en") -> Message:
    words = translator(language)
    if kind == "auth":
        first = words.gettext(
            ":warning: %(helpdesk)s refused RepCoach's credentials, so reps' ticket figures are not being imported.",
            helpdesk=helpdesk,
        )
    else:
        first = words.gettext(
            ":warning: RepCoach could not read %(helpdesk)s, so reps' ticket figures are not being imported for now.",
            helpdesk=helpdesk,
        )
    then = words.gettext(
        "It tries again every sync and picks up where it stopped; `repcoach helpdesk status` shows how it stands."
    )
    text = f"{first}\n`{escape(failure)}`\n{then}"
    return {"text": text, "blocks": [section(text)]}
