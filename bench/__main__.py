"""`python -m bench <name> [options]` runs one benchmark; `python -m bench <name> --help` lists its options."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "ack": "slash-command acknowledgement latency, RepCoach against a bare Bolt app",
    "ceiling": "what any rule reading the logged figures can know of who is truly below target (no Slack, no database)",
    "coaching": "coaching quality on simulated teams with hidden true skills, through the real jobs and buttons",
    "fanout": "the nudge job: choosing, rendering and sending nudges to thousands of reps",
    "helpdesk": "a full Zendesk or Freshdesk sync of 100,000 tickets: throughput, memory per ticket, idempotence",
    "instructions": "CPU instructions a /log costs under callgrind, RepCoach against a bare Bolt app (needs valgrind)",
    "scorecards": "scorecard queries over a year of logged days",
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print("usage: python -m bench {" + ",".join(BENCHMARKS) + "} [options]", file=sys.stderr)
        for name, what in BENCHMARKS.items():
            print(f"  {name:<11} {what}", file=sys.stderr)
        return 2
    return importlib.import_module(f"bench.{argv[0]}").main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
