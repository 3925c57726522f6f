"""Running an analysis on a deep stack."""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable, TypeVar

STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 30_000


_T = TypeVar("_T")


def with_deep_stack(function: Callable[..., _T], *args: Any) -> _T:
    """Run ``function`` in a thread with a large stack, so deeply nested code ends in
    a ``RecursionError`` (reported as a diagnostic), never in a crash."""
    result: list[_T] = []
    errors: list[BaseException] = []

    def target() -> None:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(RECURSION_LIMIT)
        try:
            result.append(function(*args))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            errors.append(exc)
        finally:
            sys.setrecursionlimit(limit)

    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="kerascheck-analysis")
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if errors:
        raise errors[0]
    return result[0]
