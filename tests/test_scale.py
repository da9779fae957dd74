"""Sweeps over very large organisations stay within the database drivers' limits."""

from sqlalchemy import func, select

from coaching.db import among
from coaching.models import Rep
from coaching.reps import get_or_create_rep


def test_a_filter_on_seventy_thousand_ids_passes_the_bound_parameter_limits(sessions):
    with sessions.begin() as session:
        wanted = [get_or_create_rep(session, "T0TEAM", f"U{number:05d}").id for number in range(3)]
    ids = [*range(-70_000, 0), *wanted]  # psycopg refuses 65,536 bound parameters, SQLite 32,767
    with sessions() as session:
        assert session.scalar(select(func.count(Rep.id)).where(among(Rep.id, ids))) == 3
        keys = [f"user-{number}" for number in range(70_000)] + ["U00001"]
        assert session.scalar(select(func.count(Rep.id)).where(among(Rep.user_id, keys))) == 1
