"""How RepCoach starts: the console script, settings, the web server, Socket Mode, the scheduler."""
