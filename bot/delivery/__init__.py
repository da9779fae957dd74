"""Getting queued messages into Slack: the outbox sender, pacing, metrics."""
