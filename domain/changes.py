"""Change counters: one number per kind of change, raised in the transaction that makes the
change, so a process holding something derived from those rows (routing's candidate table)
can tell with one statement whether it is still current — across every worker process.

A counter watches tables, with a test per changed row (`Watch.relevant`). Every flush notes
which counters are due and, for counters with a journal, what the change means in numbers
(e.g. "rep 7 has one more open lead"); at commit each due counter is raised once, as the
transaction's last statement (so the row lock is held for an instant and never taken before
another lock: no deadlock), and after the commit the callbacks registered on the session
receive the new values and the journal. A rolled-back transaction raises nothing.

Changes made through a session are seen: objects flushed, and INSERT, UPDATE or DELETE
statements run with `session.execute` (those mark their counter's journal unknown). SQL run on
a bare connection or outside Pacer is not: it would have to raise the counter itself.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from domain.db import Base

DUE, JOURNAL, CALLBACKS = "changes.due", "changes.journal", "changes.callbacks"


class ChangeCounter(Base):
    __tablename__ = "change_counter"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


_RAISE = (
    update(ChangeCounter)
    .where(ChangeCounter.name == sa.bindparam("counter"))
    .values(value=ChangeCounter.value + 1)
    .returning(ChangeCounter.value)
)
_READ = select(ChangeCounter.name, ChangeCounter.value).where(
    ChangeCounter.name.in_(sa.bindparam("names", expanding=True))
)
"""Built once: every write's commit raises counters and every routing decision reads them."""

Row = Any
"""A mapped object being inserted, updated or deleted."""
Values = Callable[[str], Any]
"""A row's attribute values, before or after the flush: `values("stage")`."""


@dataclass(frozen=True)
class Watch:
    """`counter` is raised when a row of `table` is inserted, updated or deleted and
    `relevant` holds for its values before or after the change. `journal` (optional) says
    what a row's values count for, as (key, amount) pairs: a change is journalled as what
    the row counts for after it minus what it counted for before."""

    counter: str
    table: str
    relevant: Callable[[Values], bool] = lambda values: True
    journal: Callable[[Values], Iterable[tuple[Any, int]]] | None = None
    columns: tuple[str, ...] = ()
    """Only these columns matter: an update that changes none of them is not a change, and an
    inserted or deleted row is not one either (a new account has no history)."""


@dataclass
class Registry:
    watches: dict[str, list[Watch]] = field(default_factory=dict)

    def add(self, *watches: Watch) -> None:
        for rule in watches:
            self.watches.setdefault(rule.table, []).append(rule)


REGISTRY = Registry()


def watch(*watches: Watch) -> None:
    REGISTRY.add(*watches)


def _current(row: Row) -> Values:
    return lambda name: getattr(row, name)


def _before(row: Row) -> Values:
    state = sa.inspect(row)

    def values(name: str) -> Any:
        history = state.attrs[name].history
        return history.deleted[0] if history.deleted else getattr(row, name)

    return values


def _changed(row: Row, columns: tuple[str, ...]) -> bool:
    state = sa.inspect(row)
    return any(state.attrs[name].history.has_changes() for name in columns)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context: Any) -> None:
    if not REGISTRY.watches:
        return
    due: set[str] = session.info.setdefault(DUE, set())
    journal: dict[str, Tally | None] = session.info.setdefault(JOURNAL, {})
    changed: list[tuple[Row, list[Values], list[Values]]] = [
        (row, [], [_current(row)]) for row in session.new
    ]
    changed += [
        (row, [_before(row)], [_current(row)]) for row in session.dirty if session.is_modified(row)
    ]
    changed += [(row, [_current(row)], []) for row in session.deleted]
    for row, before, after in changed:
        for rule in REGISTRY.watches.get(getattr(row, "__tablename__", ""), ()):
            if rule.columns and not (before and after and _changed(row, rule.columns)):
                continue
            if not any(rule.relevant(values) for values in before + after):
                continue
            due.add(rule.counter)
            if rule.journal is None:
                continue
            tally = journal.setdefault(rule.counter, Tally())
            if tally is None:  # a statement changed rows nobody counted
                continue
            for values, sign in [(v, 1) for v in after] + [(v, -1) for v in before]:
                for key, amount in rule.journal(values):
                    tally[key] += sign * amount


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: Any) -> None:
    """An UPDATE, DELETE or INSERT statement run through the session on a watched table
    raises its counters; what it changed is unknown, so its journal is marked unknown."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    info = state.session.info
    for rule in REGISTRY.watches.get(table or "", ()):
        info.setdefault(DUE, set()).add(rule.counter)
        if rule.journal is not None:
            info.setdefault(JOURNAL, {})[rule.counter] = None


@event.listens_for(Session, "before_commit")
def _raise_counters(session: Session) -> None:
    session.flush()
    due = session.info.pop(DUE, set())
    values = {}
    for name in sorted(due):
        raised = session.execute(_RAISE, {"counter": name}).scalar_one_or_none()
        if raised is None:  # a counter nobody created yet
            session.add(ChangeCounter(name=name, value=1))
            session.flush()
            raised = 1
        values[name] = raised
    session.info["changes.raised"] = values


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    raised = session.info.pop("changes.raised", {})
    journal = session.info.pop(JOURNAL, {})
    for callback in session.info.pop(CALLBACKS, []):
        callback(raised, journal)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    for key in (DUE, JOURNAL, CALLBACKS, "changes.raised"):
        session.info.pop(key, None)


def after_commit(
    session: AsyncSession, callback: Callable[[dict[str, int], dict[str, Tally | None]], None]
) -> None:
    """`callback(raised, journal)` once this session's transaction commits: the counters it
    raised with their new values, and the journal of its changes per counter (None for a
    counter whose changes include a statement's, which nobody counted)."""
    session.sync_session.info.setdefault(CALLBACKS, []).append(callback)


async def read(session: AsyncSession, names: Iterable[str]) -> dict[str, int]:
    """The counters' current values (0 for one never raised)."""
    wanted = list(names)
    found = dict((await session.execute(_READ, {"names": wanted})).all())
    return {name: found.get(name, 0) for name in wanted}


__all__ = ["ChangeCounter", "Watch", "after_commit", "read", "watch"]
