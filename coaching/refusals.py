"""One base for every refusal: input we cannot use, or a request this person may not make.

Listeners catch `Refusal` and nothing else, and answer with its message; any other exception is a bug and goes
to the one error handler in bot/app.py, which logs the traceback and apologises. A stray `ValueError` from a bug
therefore never reaches someone as if it were their mistake.

A refusal is raised where the fault is found, before anyone knows who will read it, so its message is a
`coaching.i18n.Text` (`lazy_gettext`), translated when the answer is rendered: `refusal.message.in_language(…)`.
"""

from __future__ import annotations

from coaching.i18n import Text


class Refusal(Exception):
    """The message is shown to the person as it is: it says what is wrong and, where it can, what would work.

    A plain `str` is a message not yet in the catalog, shown in English to everyone."""

    def __init__(self, message: Text | str):
        self.message = message if isinstance(message, Text) else Text("%(untranslated)s", {"untranslated": message})
        super().__init__(str(self.message))
