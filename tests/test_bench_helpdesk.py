"""`python -m bench helpdesk` runs end to end on a few hundred tickets and prints every figure it promises.

Speed is the benchmark's to judge, not a test's: only the figures that do not depend on time are held to their
targets here (every solved ticket counted once, a second sync changing nothing, no sync stopped early).
"""

from __future__ import annotations

import re

from bench import helpdesk

FIGURES = (
    "wall time, 300 tickets",
    "CPU time (user + sys)",
    "tickets a second",
    "tickets read",
    "ratings read",
    "rep-days written",
    "peak RSS (",
    "peak RSS growth from 30 to 300 tickets",
)
UNTIMED = (
    "contacts imported minus solved tickets stored",
    "days a second sync changes",
    "records a second sync reads again",
    "syncs that stopped early",
)


def test_a_few_hundred_tickets_from_each_vendor_print_every_figure(capsys, monkeypatch):
    monkeypatch.delenv("REPCOACH_BENCH_POSTGRES", raising=False)
    status = helpdesk.main(["--tickets", "300"])
    printed = capsys.readouterr().out
    summary = printed[printed.index("== helpdesk: summary") :]
    assert status in (0, 1)  # 1 when a target is missed: a few hundred tickets are too few to time
    for vendor in helpdesk.VENDORS:
        for name in FIGURES:
            assert f"{vendor} SQLite: {name}" in summary, f"{vendor}: {name} missing"
        for name in UNTIMED:
            assert re.search(rf"{vendor} SQLite: {re.escape(name)} .* PASS", summary), f"{vendor}: {name} missed"
        read = re.search(rf"{vendor} SQLite: tickets read +([\d,]+)", summary)
        assert read and read.group(1) == "300"
        days = re.search(rf"{vendor} SQLite: rep-days written \(.*\) +([\d,]+)", summary)
        assert days and int(days.group(1)) > 0
    assert re.search(r"of \d+ targets met", summary)
