"""One base for every refusal: input we cannot use, or a request this person may not make.

Listeners catch `Refusal` and nothing else, and answer with its message; any other exception is a bug and goes
to the one error handler in bot/app.py, which logs the traceback and apologises. A stray `ValueError` from a bug
therefore never reaches someone as if it were their mistake.
"""

from __future__ import annotations


class Refusal(Exception):
    """The message is shown to the person as it is: it says what is wrong and, where it can, what would work."""
