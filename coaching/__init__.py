"""Coaching domain: logged days, the balanced scorecard and its targets. No Slack here."""
