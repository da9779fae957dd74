"""Prometheus metrics, served by `repcoach serve` at GET /metrics."""

from prometheus_client import Counter, Gauge, Histogram

SENT = Counter("repcoach_messages_sent_total", "Scheduled messages delivered to Slack", ["kind"])
FAILED = Counter("repcoach_messages_failed_total", "Scheduled messages given up on", ["kind"])
RETRIED = Counter("repcoach_message_retries_total", "Send attempts scheduled again", ["reason"])
QUEUE_DEPTH = Gauge("repcoach_outbox_queue_depth", "Outbox messages pending or being sent")
HANDLER_LATENCY = Histogram(
    "repcoach_handler_latency_seconds",
    "Time to answer Slack's request at /slack/events",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 3, 5),
)
