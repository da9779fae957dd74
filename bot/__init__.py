"""Everything that speaks Slack: the Bolt app, its listeners, messages, the web server and the CLI."""
