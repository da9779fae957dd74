"""Talking to Slack: Web API clients, installations, profiles, mentions."""
