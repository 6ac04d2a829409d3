"""Password hashing takes at most a few of run.io_bound's workers; other database work does not queue behind it."""
from __future__ import annotations

import asyncio
import threading
import time

from nicegui import run

from ui.password_work import PasswordWork


async def test_a_burst_of_password_checks_runs_two_at_a_time_and_leaves_workers_free() -> None:
    work = PasswordWork(at_once=2)
    lock = threading.Lock()
    running = [0]
    peak = [0]

    def check_password() -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.2)  # bcrypt's share of a login
        with lock:
            running[0] -= 1

    checks = [asyncio.create_task(work.run(check_password)) for _ in range(12)]
    await asyncio.sleep(0)  # all twelve have asked for a slot
    await run.io_bound(lambda: None)  # e.g. loading a dashboard's history
    assert not any(check.done() for check in checks)  # it did not wait behind the burst
    await asyncio.gather(*checks)
    assert peak[0] == 2
