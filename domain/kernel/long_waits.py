"""Long waits that use no CPU here: a language model's answer, a lock that another long
operation holds. Code about to start one calls `before_long_wait()`, so that the server lets
other requests run meanwhile: the web server says what that means for the request being
served (`api.core.admission` hands its running turn to the next in line); anywhere else it
does nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

_HOOK: ContextVar[Callable[[], None] | None] = ContextVar("long_wait_hook", default=None)


def before_long_wait() -> None:
    """The caller is about to wait, possibly for seconds, on something outside this process."""
    hook = _HOOK.get()
    if hook is not None:
        hook()


@contextlib.contextmanager
def on_long_wait(hook: Callable[[], None]) -> Iterator[None]:
    """Within the block (and the tasks it starts), `before_long_wait()` calls `hook`."""
    token = _HOOK.set(hook)
    try:
        yield
    finally:
        _HOOK.reset(token)
