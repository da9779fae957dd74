"""`python -m bench coaching` runs end to end on a tiny world and prints every figure it promises."""

from __future__ import annotations

import re

from bench import coaching


def test_a_tiny_world_prints_every_figure_for_both_worlds(capsys):
    coaching.main(["--reps", "4", "--weeks", "2", "--seeds", "1", "--jobs", "2"])
    printed = capsys.readouterr().out
    summary = printed[printed.index("== coaching: summary") :]
    for kind in ("effects", "null"):
        for key, (name, *_rest) in coaching.FIGURES.items():
            if kind == "effects" and key in coaching.NULL_WORLD_ONLY:
                assert f"{kind} {name}" not in summary
                continue
            assert f"{kind} {name}" in summary, f"{kind}: {name} missing"
    # The reps were coached through the real job and answered through the real buttons, in both worlds together.
    counts = re.findall(r"(\d+) practice sends, (\d+) answers", printed)
    assert len(counts) == 2
    assert sum(int(sent) for sent, _ in counts) > 0 and sum(int(answers) for _, answers in counts) > 0
    assert re.search(r"of \d+ targets met", summary)
