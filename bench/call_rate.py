"""The highest sustained call rate: offered calls per second stepped up until ring or accept p99 passes a limit.

At each step calls are started open-loop, one every 1/R seconds for `seconds`, each on the next idle pair of the
calling pairs (bench/ring_latency.py's `one_call`: ring, then decline, or accept and hang up, in the pairs' usual
turn). A call that finds every pair busy is counted as `no_free_pair` (the server fell behind the offered rate).
A step is sustained when no call failed, none found every pair busy, and the p99 of ring and of accept stay
within the limit; the figure is the highest sustained step's achieved rate (calls completed per second, over
the step or until its last call ended, whichever is longer). Stepping stops at the first step that is not sustained.
"""
from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import Any

from .report import summary_ms
from .ring_latency import CALL_ERRORS, Side, one_call, turn

DEFAULT_RATES = (4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 19.0, 24.0, 30.0, 38.0, 48.0)  # about 1.25x apart
LIMIT_MS = 100.0


async def step(pairs: list[tuple[Side, Side]], rate: float, seconds: float, turns: list[int]) -> dict:
    """Offer `rate` calls per second for `seconds` over `pairs`; `turns[i]` counts pair i's calls (kept across
    steps, so every pair keeps alternating roles and outcomes)."""
    busy = [False] * len(pairs)
    rings: list[float] = []
    accepts: list[float] = []
    errors: list[str] = []
    skipped = 0
    cursor = 0

    async def call(number: int) -> None:
        a, b = pairs[number]
        caller, callee, accepting = turn(a, b, turns[number])
        turns[number] += 1
        try:
            ring, accept = await one_call(caller, callee, accepting)
            rings.append(ring)
            if accept is not None:
                accepts.append(accept)
        except CALL_ERRORS as error:
            errors.append(f'{caller.name}->{callee.name}: {error}')
        finally:
            busy[number] = False

    started = time.perf_counter()
    tasks = []
    for launch in range(max(1, round(rate * seconds))):
        await asyncio.sleep(max(0.0, started + launch / rate - time.perf_counter()))
        free = next((number for number in (*range(cursor, len(pairs)), *range(cursor))
                     if not busy[number]), None)
        if free is None:
            skipped += 1
            continue
        busy[free] = True
        cursor = (free + 1) % len(pairs)
        tasks.append(asyncio.create_task(call(free)))
    await asyncio.gather(*tasks)
    wall = max(seconds, time.perf_counter() - started)  # at least the step: the launches are spread over it
    ring, accept = summary_ms(rings), summary_ms(accepts)
    return {'offered_per_s': rate, 'achieved_per_s': len(rings) / wall, 'wall_s': wall, 'calls': len(rings),
            'no_free_pair': skipped, 'errors': len(errors), 'error_examples': errors[:3], 'ring': ring,
            'accept': accept, 'worst_p99_ms': max(ring['p99_ms'], accept['p99_ms'] if accepts else 0.0)}


def sustained(result: dict, limit_ms: float) -> bool:
    return (not result['errors'] and not result['no_free_pair'] and math.isfinite(result['worst_p99_ms'])
            and result['worst_p99_ms'] <= limit_ms)


async def measure(pairs: list[tuple[Side, Side]], rates: list[float], seconds: float,
                  meter: Callable[[], Any], limit_ms: float = LIMIT_MS, pause: float = 1.0) -> dict:
    """Step through `rates` (ascending) until one is not sustained; `meter()` starts a CPU meter (its `stop()`
    result goes into each step)."""
    steps = []
    turns = [0] * len(pairs)
    for rate in rates:
        running = meter()
        result = await step(pairs, rate, seconds, turns)
        result['cpu'] = running.stop()
        result['sustained'] = sustained(result, limit_ms)
        steps.append(result)
        if not result['sustained']:
            break
        await asyncio.sleep(pause)
    best = max((result['achieved_per_s'] for result in steps if result['sustained']), default=None)
    return {'limit_ms': limit_ms, 'step_seconds': seconds, 'steps': steps, 'max_sustained_per_s': best}
