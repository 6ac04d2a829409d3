"""Each tab's outbox waits for work without NiceGUI's 1 s timeout: every open tab woke every second for nothing.

Each tab's outbox loop waits for work with `asyncio.wait_for(event.wait(), timeout=1.0)` (nicegui/outbox.py), so
every open tab makes a task, a timer and a TimeoutError with its traceback every second, changed or not. Measured
at 1,000 open dashboards (bench/ring_latency.py): that churn kept the idle server 68 % busy and fed the garbage
collector pauses that set ring latency's tail; waiting without the timeout took ring p99 from 267 to 96-119 ms.

The timeout wakes nothing that needs it: every enqueue and `Outbox.stop()` set the event. So the outbox module is
given an `asyncio` whose `wait_for` simply awaits. Only for an outbox whose source still says both things (checked
at start-up); any other NiceGUI version keeps its own loop.
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import types
from collections.abc import Awaitable
from typing import TypeVar

from nicegui import outbox

T = TypeVar('T')

POLLING_WAIT = 'asyncio.wait_for(self._enqueue_event.wait(), timeout=1.0)'  # in Outbox.loop
STOP_WAKES = 'self._set_enqueue_event()'  # in Outbox.stop: what makes the timeout unnecessary

log = logging.getLogger(__name__)


async def _wait_without_timeout(awaitable: Awaitable[T], timeout: float | None = None) -> T:
    return await awaitable


def outbox_polls() -> bool:
    """Whether the installed NiceGUI's outbox has the timed wait this module replaces (and wakes on stop)."""
    try:
        return POLLING_WAIT in inspect.getsource(outbox.Outbox.loop) and \
            STOP_WAKES in inspect.getsource(outbox.Outbox.stop)
    except (OSError, TypeError):  # no source to check
        return False


def stop_outbox_polling() -> bool:
    """Make every outbox wait for its work without a timeout; False (and a warning) if this NiceGUI differs."""
    if outbox.asyncio is not asyncio:
        return True  # done already
    if not outbox_polls():
        log.warning('NiceGUI outbox changed: its loop keeps its own wait '
                    '(ui/nicegui_tuning/idle_outbox.py does not apply)')
        return False
    outbox.asyncio = types.SimpleNamespace(**{**vars(asyncio), 'wait_for': _wait_without_timeout})
    return True
