"""Alembic migrations; `repcoach db upgrade` runs them."""
