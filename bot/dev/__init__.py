"""Tools for trying RepCoach without a workspace: demo, shell, previews, the local Slack stand-in."""
