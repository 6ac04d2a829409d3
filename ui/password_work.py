"""Password hashing (sign-ups and logins) runs at most a few at a time.

bcrypt takes about a quarter of a second of CPU per sign-up or login, in `run.io_bound`'s worker threads, which
the history and every other database call share. A burst of them (a script guessing names, or a whole team
signing up at nine o'clock) would otherwise take every worker and both cores, and every page that reads the
database would wait behind it. Extra attempts wait for a slot in the event loop instead, where waiting is free.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from nicegui import run

T = TypeVar('T')

AT_ONCE = 2  # password checks in parallel; the rest of the worker threads stay free for the database


class PasswordWork:
    def __init__(self, at_once: int = AT_ONCE) -> None:
        self._slots = asyncio.Semaphore(at_once)

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """`run.io_bound(work, *args)` once a slot is free."""
        async with self._slots:
            return await run.io_bound(work, *args)
