"""RepCoach's benchmarks: `python -m bench ack|fanout|scorecards [options]`.

docs/performance.md has the latest figures.
"""
