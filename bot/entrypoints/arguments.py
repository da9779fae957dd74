"""Argument types shared by the `repcoach` command, the Slack stand-in and the benchmarks: each refuses a bad
value with a message that names it, which argparse prints with the option on one line."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable

# The widest id any table's rows get: PostgreSQL's `integer`; a larger one names no row and would not reach a query.
MAX_ROW_ID = 2**31 - 1
MAX_WORKERS = 64


def positive_int(text: str) -> int:
    # Digits only, and few enough that int() never meets its limit on very long numbers.
    if not re.fullmatch(r"[0-9]{1,18}", text) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def whole_number(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    """An argument type: a whole number from `low` to `high`, refused in words that say so."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,18}", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{text[:30]!r} is not {what} (a whole number from {low} to {high})")
        return int(text)

    parse.__name__ = what
    return parse


port = whole_number(1, 65535, "a TCP port")
row_id = whole_number(1, MAX_ROW_ID, "a message id")
workers = whole_number(1, MAX_WORKERS, "a number of worker processes")


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds, 0 or more")
    return value
