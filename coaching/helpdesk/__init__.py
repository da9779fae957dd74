"""Figures a helpdesk already knows (tickets solved, first-contact resolutions, reopens, complaints, ratings),
imported so reps log only what no helpdesk records."""
