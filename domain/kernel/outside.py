"""Waits on services outside Pacer (a language model's answer). Code about to wait on one calls
`waiting_outside()`, so that the server lets other requests run meanwhile: the web server says
what that means for the request being served (`api.core.admission` hands its running turn to
the next in line); anywhere else it does nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

_HOOK: ContextVar[Callable[[], None] | None] = ContextVar("outside_wait_hook", default=None)


def waiting_outside() -> None:
    """The caller is about to wait on a service outside Pacer."""
    hook = _HOOK.get()
    if hook is not None:
        hook()


@contextlib.contextmanager
def on_outside_wait(hook: Callable[[], None]) -> Iterator[None]:
    """Within the block (and the tasks it starts), `waiting_outside()` calls `hook`."""
    token = _HOOK.set(hook)
    try:
        yield
    finally:
        _HOOK.reset(token)
