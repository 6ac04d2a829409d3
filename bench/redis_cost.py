"""What a call costs Redis: commands (by name), bytes in and out and Redis's CPU per call, across processes.

Redis's own counters (INFO commandstats, stats and cpu) are read before and after a known number of calls, then
before and after an idle window: the processes' heartbeats and timer polls go on whether anyone calls or not, so
the idle rate over the calls' time is taken off, and so is what reading the counters adds (two reads in a row).
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import redis

BYTE_COUNTERS = ('total_net_input_bytes', 'total_net_output_bytes')


def read_counters(client: redis.Redis) -> dict[str, float]:
    """Commands by name (`cmd:NAME`), bytes in and out, and Redis's CPU seconds, as Redis counts them now."""
    counters = {f'cmd:{name.removeprefix("cmdstat_")}': float(stats['calls'])
                for name, stats in client.info('commandstats').items()}
    stats, cpu = client.info('stats'), client.info('cpu')
    counters.update({name: float(stats[name]) for name in BYTE_COUNTERS})
    counters['cpu_s'] = float(cpu['used_cpu_sys']) + float(cpu['used_cpu_user'])
    return counters


def _difference(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


async def _window(client: redis.Redis, work: Awaitable[int | None]) -> tuple[dict[str, float], float, int | None]:
    before = read_counters(client)
    started = time.perf_counter()
    result = await work
    seconds = time.perf_counter() - started
    return _difference(before, read_counters(client)), seconds, result


async def measure(redis_url: str, calls: Callable[[], Awaitable[int]], idle_seconds: float = 10.0) -> dict:
    """Run `calls()` (it returns how many calls it made), then stay idle for `idle_seconds` (at least as long):
    Redis's work per call, less the idle rate over the calls' time and less the reading itself."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        reading, _, _ = await _window(client, asyncio.sleep(0))  # what reading the counters adds to them
        busy, seconds, count = await _window(client, calls())
        idle, idle_for, _ = await _window(client, asyncio.sleep(max(seconds, idle_seconds)))
    finally:
        client.close()
    background = {name: (value - reading.get(name, 0.0)) * seconds / idle_for for name, value in idle.items()}
    busy = {name: value - reading.get(name, 0.0) - background.get(name, 0.0) for name, value in busy.items()}
    per_call = {name: value / count for name, value in busy.items()} if count else {}
    commands = {name.removeprefix('cmd:'): value for name, value in per_call.items()
                if name.startswith('cmd:') and round(value, 2)}
    return {
        'calls': count,
        'seconds': seconds,
        'commands_per_call': sum(commands.values()),
        'commands_by_name_per_call': dict(sorted(commands.items(), key=lambda item: -item[1])),
        'bytes_in_per_call': per_call.get('total_net_input_bytes'),
        'bytes_out_per_call': per_call.get('total_net_output_bytes'),
        'redis_cpu_ms_per_call': 1000 * per_call['cpu_s'] if count else None,
        'idle_commands_per_s': sum(value for name, value in background.items() if name.startswith('cmd:')) / seconds
        if seconds else None,
    }
