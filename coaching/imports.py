"""Importing logged days from a CSV file in the format `repcoach export outcomes` writes, checked as `/log` checks.

A file is read one line at a time and its days are stored as they are read, in the caller's transaction; once any
row is at fault nothing more is stored and the rest is only checked, so the caller can name every fault and roll
everything back. What is kept across the file: the reps met so far and one small number per (rep, day), to refuse a
day given twice.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from coaching.fields import (
    DATE_KEY,
    FIELD_BY_KEY,
    LogInputError,
    Values,
    check_consistent,
    check_day,
    parse_day,
    parse_value,
)
from coaching.models import DayLog, Rep
from coaching.outcomes import EXPORT_COLUMNS, record_day, stored_values
from coaching.privacy import workspaces
from coaching.reps import DEFAULT_TZ, find_rep, get_or_create_rep, local_today

WORKSPACE_COLUMN = "workspace_id"
USER_COLUMN = "user_id"
REQUIRED_COLUMNS = (USER_COLUMN, DATE_KEY)
# A longer line is no logged day; reading it whole would let one file hold any amount of memory.
MAX_LINE_BYTES = 64 * 1024
_WORKSPACE_ID = re.compile(r"[TE][A-Z0-9]{2,31}")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,31}")
_Read = TypeVar("_Read")


@dataclass(frozen=True)
class ImportFault:
    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.column is None else f"line {self.line}, column {self.column}"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    """What the import stored, or with `dry_run` would store; with faults, nothing is kept."""

    rows: int = 0
    days_added: int = 0
    days_changed: int = 0
    figures_changed: int = 0
    days_unchanged: int = 0
    reps_added: int = 0
    faults: int = 0

    @property
    def changes_anything(self) -> bool:
        return bool(self.days_added or self.days_changed or self.reps_added)


class _FileFault(Exception):
    """A fault that stops the reading: the header, or a line that cannot be read as text or CSV."""

    def __init__(self, fault: ImportFault):
        super().__init__(str(fault))
        self.fault = fault


def import_outcomes(
    *,
    session: Session,
    source: BinaryIO,
    workspace_id: str | None,
    now: datetime,
    dry_run: bool,
    on_fault: Callable[[ImportFault], None],
) -> ImportReport:
    """Reads `source` and records each day as `/log` would (merged with what is stored, checked together), unless
    `dry_run`. Each fault goes to `on_fault` as it is found; the caller rolls back when `report.faults` is not zero.

    `workspace_id` is the workspace of a file without a `workspace_id` column (by default the database's only
    one); in a file with it, every row must name that workspace. Today is each rep's own (their stored timezone,
    UTC for a rep not yet seen in Slack), as for their `/log`; a rep not yet stored is added, as their first `/log`
    would add them. The caller commits."""
    report = ImportReport()
    reader = csv.reader(_text_lines(source))
    try:
        columns = _read_header(reader)
        fixed = None if WORKSPACE_COLUMN in columns else _file_workspace(session, workspace_id)
        importer = _Importer(session=session, now=now, dry_run=dry_run, report=report, on_fault=on_fault)
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as error:
                raise _FileFault(ImportFault(line, None, f"is not CSV: {error}")) from None
            if cells is None:
                break
            if cells:
                report.rows += 1
                if len(cells) != len(columns):
                    importer.fault(line, None, f"has {len(cells)} cells; the header has {len(columns)}")
                else:
                    importer.row(line, dict(zip(columns, cells, strict=True)), fixed or workspace_id)
            line = reader.line_num + 1
    except _FileFault as stop:
        report.faults += 1
        on_fault(stop.fault)
    return report


def _text_lines(source: BinaryIO) -> Iterator[str]:
    number = 0
    while raw := source.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise _FileFault(ImportFault(number, None, f"is longer than {MAX_LINE_BYTES} bytes; no logged day is"))
        try:
            # Spreadsheets often start a UTF-8 file with a byte-order mark.
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _FileFault(ImportFault(number, None, "is not UTF-8 text; save the file as UTF-8 CSV")) from None


def _read_header(reader: Iterator[list[str]]) -> list[str]:
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _FileFault(ImportFault(1, None, f"is not CSV: {error}")) from None
    if not header:
        raise _FileFault(ImportFault(1, None, "the file is empty; it needs a header row: " + ",".join(EXPORT_COLUMNS)))
    columns = [name.strip().lower() for name in header]
    for name in columns:
        if name not in EXPORT_COLUMNS:
            known = ", ".join(EXPORT_COLUMNS)
            raise _FileFault(ImportFault(1, name or '""', f"is not a column RepCoach knows; the columns are {known}"))
        if columns.count(name) > 1:
            raise _FileFault(ImportFault(1, name, "is given twice; give each column once"))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise _FileFault(ImportFault(1, None, "the header has no " + " and no ".join(missing) + " column"))
    if not any(name in FIELD_BY_KEY for name in columns):
        raise _FileFault(ImportFault(1, None, "the header names no figure, like contacts or csat"))
    return columns


def _file_workspace(session: Session, chosen: str | None) -> str:
    if chosen is not None:
        return chosen
    known = workspaces(session)
    if len(known) == 1:
        return known[0]
    reason = "several workspaces" if known else "no workspace yet"
    raise _FileFault(
        ImportFault(1, None, f"the file has no workspace_id column and this database holds {reason}; use --workspace")
    )


def is_workspace_id(text: str) -> bool:
    return _WORKSPACE_ID.fullmatch(text) is not None


class _Importer:
    def __init__(
        self,
        *,
        session: Session,
        now: datetime,
        dry_run: bool,
        report: ImportReport,
        on_fault: Callable[[ImportFault], None],
    ) -> None:
        self.session = session
        self.now = now
        self.dry_run = dry_run
        self.report = report
        self.on_fault = on_fault
        self.reps: dict[tuple[str, str], Rep | None] = {}
        # (workspace, user) → a number of its own, so a day seen is one int rather than a tuple of strings.
        self.people: dict[tuple[str, str], int] = {}
        self.days_seen: set[int] = set()

    def fault(self, line: int, column: str | None, reason: str) -> None:
        self.report.faults += 1
        self.on_fault(ImportFault(line, column, reason))

    def row(self, line: int, cells: dict[str, str], workspace: str | None) -> None:
        """One row of cells by column; `workspace` is the file's, or the one every row must name."""
        faults_before = self.report.faults
        if WORKSPACE_COLUMN in cells:
            named = cells[WORKSPACE_COLUMN].strip()
            if not is_workspace_id(named):
                self.fault(line, WORKSPACE_COLUMN, f"{named!r} is not a Slack workspace id, like T012AB")
            elif workspace is not None and named != workspace:
                self.fault(line, WORKSPACE_COLUMN, f"{named} is not --workspace {workspace}")
            workspace = named
        user = cells[USER_COLUMN].strip()
        if not _USER_ID.fullmatch(user):
            self.fault(line, USER_COLUMN, f"{user!r} is not a Slack user id, like U012ABCDEF")
        day = self._cell(line, DATE_KEY, parse_day, cells[DATE_KEY].strip())
        values: Values = {}
        for key in cells.keys() & FIELD_BY_KEY.keys():
            raw = cells[key].strip()
            if raw and (value := self._cell(line, key, parse_value, FIELD_BY_KEY[key], raw)) is not None:
                values[key] = value
        if day is None or workspace is None or not _USER_ID.fullmatch(user):
            return
        person = self.people.setdefault((workspace, user), len(self.people))
        seen = person * 10_000_000 + day.toordinal()  # ordinals stay below 3,700,000
        if seen in self.days_seen:
            self.fault(line, DATE_KEY, f"{user} on {day.isoformat()} is given on an earlier line too; give a day once")
        self.days_seen.add(seen)
        if self.report.faults == faults_before:
            self._day(line, workspace, user, day, values)

    def _cell(self, line: int, column: str, read: Callable[..., _Read], *args: object) -> _Read | None:
        try:
            return read(*args)
        except LogInputError as error:
            self.fault(line, column, str(error))
            return None

    def _day(self, line: int, workspace: str, user: str, day: date, values: Values) -> None:
        rep = self._rep(workspace, user)
        today = local_today(rep, self.now) if rep else self.now.astimezone(ZoneInfo(DEFAULT_TZ)).date()
        try:
            check_day(day, today)
            if self.dry_run or self.report.faults or rep is None:
                self._check_only(rep, day, values)
            else:
                recorded = record_day(self.session, rep.id, day, values, self.now)
                self._count(recorded.created, len(recorded.changes))
        except LogInputError as error:
            self.fault(line, error.key, str(error))

    def _rep(self, workspace: str, user: str) -> Rep | None:
        """The stored rep, added if new unless nothing is to be stored; None then for someone new."""
        key = (workspace, user)
        if key not in self.reps:
            rep = find_rep(self.session, workspace, user)
            if rep is None:
                self.report.reps_added += 1
                if not (self.dry_run or self.report.faults):
                    rep = get_or_create_rep(self.session, workspace, user)
            self.reps[key] = rep
        return self.reps[key]

    def _check_only(self, rep: Rep | None, day: date, values: Values) -> None:
        log = None
        if rep is not None:
            log = self.session.scalars(select(DayLog).where(DayLog.rep_id == rep.id, DayLog.day == day)).one_or_none()
        before = stored_values(log)
        check_consistent(before | values, values)
        self._count(log is None, sum(before.get(key) != value for key, value in values.items()))

    def _count(self, created: bool, changed: int) -> None:
        if created:
            self.report.days_added += 1
        elif changed:
            self.report.days_changed += 1
            self.report.figures_changed += changed
        else:
            self.report.days_unchanged += 1
