"""The call registry's cost per transition with its calls in Redis against in memory.

`python -m bench registry_store [--cycles 2000]`

A cycle is one call through the registry's public API, as the pages drive it: invite, accept, media_connected,
hang_up (four transitions, each one compare-and-set script on Redis, plus the reads each action makes). Floor: one
Redis PING on the same connection, the least any operation on Redis costs. Redis is Debian's `redis-server`, started
on a free loopback port for the run.
"""
from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path

from backend.call_registry import CallRegistry
from backend.call_store import CallStore, MemoryCallStore
from backend.redis_call_store import RedisCallStore
from tests.manual_clock import ManualClock
from tests.redis_server import RedisServer

from .report import table, write_result

NAME = 'registry_store'
TRANSITIONS_PER_CYCLE = 4


def cycle_seconds(store: CallStore, cycles: int) -> float:
    """Seconds per transition over `cycles` call cycles (after one warm-up cycle)."""
    calls = CallRegistry(resolve_user=lambda name: name, is_online=lambda _: True, clock=ManualClock(), store=store)

    def one_call() -> None:
        call = calls.invite('alice', 'bob', 'alice-1')
        calls.accept(call.id, 'bob', 'bob-1')
        calls.media_connected(call.id, 'alice')
        calls.hang_up(call.id, 'bob')

    one_call()
    started = time.perf_counter()
    for _ in range(cycles):
        one_call()
    return (time.perf_counter() - started) / (cycles * TRANSITIONS_PER_CYCLE)


def ping_seconds(store: RedisCallStore, number: int) -> float:
    started = time.perf_counter()
    for _ in range(number):
        store._redis.ping()
    return (time.perf_counter() - started) / number


def run(cycles: int) -> dict:
    server = RedisServer()
    try:
        store = RedisCallStore(server.url, prefix=f'bench-{uuid.uuid4().hex}:')
        commands_before = server_commands(store)
        redis_s = cycle_seconds(store, cycles)
        commands = (server_commands(store) - commands_before) / ((cycles + 1) * TRANSITIONS_PER_CYCLE)
        ping_s = ping_seconds(store, cycles * TRANSITIONS_PER_CYCLE)
        store.close()
    finally:
        server.stop()
    memory_s = cycle_seconds(MemoryCallStore(), cycles)
    return {'memory_us': memory_s * 1e6, 'redis_us': redis_s * 1e6, 'ping_us': ping_s * 1e6,
            'redis_over_ping': redis_s / ping_s, 'redis_commands_per_transition': commands}


def server_commands(store: RedisCallStore) -> int:
    return int(store._redis.info('stats')['total_commands_processed'])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--cycles', type=int, default=2000, help='call cycles per store (default 2000)')
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.cycles < 1:
        parser.error('--cycles must be at least 1')
    row = run(args.cycles)
    print(table(['store', 'µs per transition'], [('memory', row['memory_us']), ('redis', row['redis_us']),
                                                  ('floor: redis PING', row['ping_us'])]))
    print(f"redis / PING: {row['redis_over_ping']:.1f}x; Redis commands per transition: "
          f"{row['redis_commands_per_transition']:.1f}")
    result = {'params': {'cycles': args.cycles, 'transitions_per_cycle': TRANSITIONS_PER_CYCLE},
              'results': [row], 'targets': []}
    print(f'wrote {write_result(NAME, result, args.out)}')
    return result


if __name__ == '__main__':
    main()
