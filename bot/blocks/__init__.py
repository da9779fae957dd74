"""Block Kit: one small kit and one builder per surface; builders take plain data, never a session."""
