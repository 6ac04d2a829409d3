"""Ring latency at scale: N logged-in synthetic dashboards in pairs that call each other continuously.

`python -m bench ring_latency [--sizes 100 500 1000] [--rounds 6]`

The app is started as the README does (`python main.py`, fresh DATA_DIR). Users are written into its
database before it starts (bcrypt at 4 rounds; a few register through /register), every user signs in
through the real /login page, and every user opens the dashboard `/` as a synthetic tab speaking NiceGUI's
socket.io protocol (bench/nicegui_client.py). Each tab types its peer's name into "Search people" (the
directory renders only 20 rows, so with hundreds of users that is how a user reaches a call button).

Then the calling pairs (by default 50, spread over all N users, at 5 calls per second in all; every pair
back to back with `--active-pairs 0 --rate 0`) ring: the caller clicks `call-<peer>`; the callee waits for
the update that creates `incoming-call`; the callee declines or accepts (alternating, and the roles swap
every call); after an accept both wait for `call-view` and the caller hangs up. All N dashboards stay open
and receive every presence change.

Measured (send of the click to receipt of the update, in this process):
- ring: caller's click -> the callee's tab receives the banner;
- accept: callee's accept click -> both tabs have received the call view (connecting state).

Floor: the same clients, N of them, doing the same message pattern through a bare python-socketio relay
(bench/relay_floor.py): invite -> callee; accept -> both; hang-up/decline -> both. And what NiceGUI itself pays
for that pattern: the same clients on N tabs of a bare NiceGUI page (bench/bare_call_page.py) whose handlers
only put plain elements on the other tab (the banner's three on the callee's, a call view of two on both).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .app_process import LoopProbe, new_data_dir, precreate_users, start_app, start_bare_page, stop, tuning_option
from .nicegui_client import (
    HIDE,
    PageError,
    Tab,
    ack_forever,
    http_session,
    open_dashboards,
    open_pages,
    sign_in_all,
)
from .relay_floor import RelayTab, start_relay
from .report import CpuMeter, attempt, dig, gather_limited, ratio, summary_ms, table, target, write_result

NAME = 'ring_latency'
DEFAULT_SIZES = (100, 500, 1000)
# A busy company, not a stress test: 50 pairs ring 5 times a second in all, whatever N. Back to back
# (`--rate 0 --active-pairs 0`) the latency is the queue of every pair's work: it measures throughput instead.
DEFAULT_ACTIVE_PAIRS = 50
DEFAULT_RATE = 5.0
TARGET_P99_MS = 100.0
TARGET_FLOOR_RATIO = 3.0
STEP_TIMEOUT = 30.0  # a step that takes longer is counted as an error (and the pair stops)


def usernames(n: int) -> list[str]:
    return [f'u{i:04d}' for i in range(n)]  # one width, so searching "u0012" finds exactly one user


class Side(Protocol):
    """One user's tab as the pair loop sees it (the app's dashboard or a relay client)."""

    name: str

    def expect_incoming(self) -> asyncio.Future[float]: ...
    def expect_in_call(self) -> asyncio.Future[float]: ...
    def expect_idle(self) -> asyncio.Future[float]: ...
    def diagnose(self) -> str: ...
    async def call(self, peer: Side) -> float: ...
    async def accept(self, peer: Side) -> float: ...
    async def decline(self, peer: Side) -> float: ...
    async def hang_up(self, peer: Side) -> float: ...


class AppSide:
    """A synthetic dashboard: clicks the app's hooks and waits for the elements they create."""

    def __init__(self, tab: Tab) -> None:
        self.tab = tab
        self.name = tab.name

    def expect_incoming(self) -> asyncio.Future[float]:
        return self.tab.expect(lambda t: t.has('incoming-call'))

    def diagnose(self) -> str:
        """What the caller's tab says (e.g. "bob is offline"), for the error report."""
        tab = self.tab
        return (f' (caller reads {tab.text("call-notice")!r}, drops={tab.drops}, reloads={tab.reloads}, '
                f'hooks={sorted(k for k in tab.by_key if not k.startswith("user-"))[:12]})')

    def expect_in_call(self) -> asyncio.Future[float]:
        return self.tab.expect(lambda t: t.has('call-view'))

    def expect_idle(self) -> asyncio.Future[float]:
        return self.tab.expect(lambda t: not (t.has('incoming-call') or t.has('outgoing-call') or t.has('call-view')))

    async def call(self, peer: Side) -> float:
        return await self.tab.click(f'user-{peer.name}')  # the row's click: its call button (person_row.js)

    async def accept(self, peer: Side) -> float:
        return await self.tab.click('accept-call')

    async def decline(self, peer: Side) -> float:
        return await self.tab.click('decline-call')

    async def hang_up(self, peer: Side) -> float:
        return await self.tab.click('hang-up')


class FloorSide:
    """A relay client doing the app's message pattern with nothing in between."""

    def __init__(self, tab: RelayTab) -> None:
        self.tab = tab
        self.name = tab.name

    def expect_incoming(self) -> asyncio.Future[float]:
        return self.tab.expect(lambda payload: payload['kind'] == 'invite')

    def diagnose(self) -> str:
        return ''

    def expect_in_call(self) -> asyncio.Future[float]:
        return self.tab.expect(lambda payload: payload['kind'] == 'accept')

    def expect_idle(self) -> asyncio.Future[float]:
        return self.tab.expect(lambda payload: payload['kind'] == 'ended')

    async def call(self, peer: Side) -> float:
        return await self.tab.send([peer.name], {'kind': 'invite', 'from': self.name})

    async def accept(self, peer: Side) -> float:
        return await self.tab.send([peer.name, self.name], {'kind': 'accept'})

    async def decline(self, peer: Side) -> float:
        return await self.tab.send([peer.name, self.name], {'kind': 'ended'})

    async def hang_up(self, peer: Side) -> float:
        return await self.tab.send([peer.name, self.name], {'kind': 'ended'})


@dataclass
class Samples:
    ring: list[float] = field(default_factory=list)
    accept: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def _within(awaitable: Any, what: str) -> Any:
    try:
        return await asyncio.wait_for(awaitable, STEP_TIMEOUT)
    except TimeoutError:
        raise PageError(f'no {what} within {STEP_TIMEOUT} s') from None


async def one_call(caller: Side, callee: Side, accepting: bool) -> tuple[float, float | None]:
    """Ring; the callee accepts (both see the call view, the caller hangs up) or declines; back when both tabs are
    idle. Returns the ring and the accept latency (None when declined), in seconds."""
    banner = callee.expect_incoming()
    sent = await caller.call(callee)
    ring = await _within(banner, f'banner on {callee.name}') - sent
    if accepting:
        views = [callee.expect_in_call(), caller.expect_in_call()]
        sent = await callee.accept(caller)
        accept = max(await _within(asyncio.gather(*views), 'call views')) - sent
        idle = [callee.expect_idle(), caller.expect_idle()]
        await caller.hang_up(callee)
    else:
        accept = None
        idle = [callee.expect_idle(), caller.expect_idle()]
        await callee.decline(caller)
    await _within(asyncio.gather(*idle), 'the end of the call')
    return ring, accept


def turn(a: Side, b: Side, k: int) -> tuple[Side, Side, bool]:
    """A pair's k-th call: roles swap every call, and every role sees both outcomes (decline, accept, accept,
    decline, ...): (caller, callee, accepting)."""
    return (a, b, k % 4 in (1, 2)) if k % 2 == 0 else (b, a, k % 4 in (1, 2))


CALL_ERRORS = (PageError, ConnectionError, OSError)


async def pair_loop(a: Side, b: Side, rounds: int, warmup: int, samples: Samples, think: float) -> None:
    """Ring back and forth (`turn`). With `think` (mean seconds between a pair's calls) the pairs start at random
    times and pause."""
    if think:
        await asyncio.sleep(random.uniform(0, think))
    for k in range(warmup + rounds):
        caller, callee, accepting = turn(a, b, k)
        try:
            ring, accept = await one_call(caller, callee, accepting)
        except CALL_ERRORS as error:
            samples.errors.append(f'{caller.name}->{callee.name}: {error}{caller.diagnose()}')
            return
        if k >= warmup:
            samples.ring.append(ring)
            if accept is not None:
                samples.accept.append(accept)
        if think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)


def calling_pairs(sides: list[Side], active_pairs: int | None = None) -> list[tuple[Side, Side]]:
    """Sides 0 and 1, 2 and 3, ...: every pair, or `active_pairs` of them spread over all users."""
    pairs = [(sides[i], sides[i + 1]) for i in range(0, len(sides) - 1, 2)]
    if active_pairs is not None and active_pairs < len(pairs):
        step = len(pairs) / active_pairs
        pairs = [pairs[int(i * step)] for i in range(active_pairs)]
    return pairs


async def run_pairs(sides: list[Side], rounds: int, warmup: int, think: float, server_pid: int | None,
                    active_pairs: int | None = None) -> dict:
    """Every pair (or the first `active_pairs`, spread over all users) rings; the others stay open and idle."""
    samples = Samples()
    pairs = calling_pairs(sides, active_pairs)
    gc.collect()
    gc.freeze()  # the tab objects are long-lived: keep full collections from pausing this process mid-measurement
    meter = CpuMeter(server_pid)
    try:
        await asyncio.gather(*(pair_loop(a, b, rounds, warmup, samples, think) for a, b in pairs))
    finally:
        gc.unfreeze()
    cpu = meter.stop()
    return {'ring': summary_ms(samples.ring), 'accept': summary_ms(samples.accept), 'errors': len(samples.errors),
            'error_examples': samples.errors[:5], 'pairs': len(pairs), 'calls': len(samples.ring),
            'calls_per_s': len(samples.ring) / cpu['wall_s'] if cpu['wall_s'] else math.nan, **cpu}


async def measure_app(n: int, rounds: int, warmup: int, think: float, page_registrations: int,
                      active_pairs: int | None, tuning: str = 'on') -> dict:
    names = usernames(n)
    registered = names[:min(page_registrations, n)]
    # Each user searches for their peer right away: with hundreds of users that is how the call button is
    # reached, and the odd one out hides the directory.
    peer = {name: names[i ^ 1] if (i ^ 1) < n else HIDE for i, name in enumerate(names)}
    data_dir = new_data_dir(f'ring{n}')
    server = None
    failed = True
    try:
        precreate_users(data_dir, names[len(registered):])
        server = start_app(data_dir, NICEGUI_TUNING=tuning)
        async with http_session() as http:
            probe = LoopProbe(server.url)
            probe.start(http)
            started = time.perf_counter()
            cookies = await sign_in_all(server.url, http, names, registered)
            # Searching right away keeps each open directory to one row, whoever arrives after.
            tabs = await open_dashboards(server.url, http, cookies, names, search=peer.get)
            acker = asyncio.create_task(ack_forever(lambda: tabs))
            await probe.quiet()
            setup_s = time.perf_counter() - started
            setup_stall = probe.worst()
            await asyncio.sleep(1.0)  # let the last presence batches land
            measured_from = time.perf_counter()
            result = await run_pairs([AppSide(tab) for tab in tabs], rounds, warmup, think, server.process.pid,
                                     active_pairs)
            result.update(setup_s=setup_s, setup_worst_stall_s=setup_stall, worst_stall_s=probe.worst(measured_from),
                          page_retries=sum(tab.retries for tab in tabs), dropped_sockets=sum(t.drops for t in tabs),
                          page_reloads=sum(t.reloads for t in tabs))
            probe.stop()
            acker.cancel()
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        failed = False
        return result
    finally:
        if failed and server is not None:
            print(f'server log kept in {server.log_path}', file=sys.stderr)
        stop(server, data_dir, keep=failed)


async def measure_floor(n: int, rounds: int, warmup: int, think: float, active_pairs: int | None) -> dict:
    relay = start_relay()
    try:
        async with http_session() as http:
            tabs = [RelayTab(relay.url, http, name) for name in usernames(n)]
            await gather_limited((tab.open() for tab in tabs), 16)
            result = await run_pairs([FloorSide(tab) for tab in tabs], rounds, warmup, think, relay.process.pid,
                                     active_pairs)
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        return result
    finally:
        stop(relay, relay.data_dir)


async def measure_nicegui_floor(n: int, rounds: int, warmup: int, think: float, active_pairs: int | None) -> dict:
    server = start_bare_page('bare_call_page.py')
    try:
        async with http_session() as http:
            names = usernames(n)
            tabs = await open_pages(server.url, http, {
                name: f'/?name={name}&peer={names[i ^ 1] if (i ^ 1) < n else ""}' for i, name in enumerate(names)})
            acker = asyncio.create_task(ack_forever(lambda: tabs))
            probe = LoopProbe(server.url)
            probe.start(http)
            await probe.quiet()  # as for the app: measure once the server has settled after the tabs opened
            await asyncio.sleep(1.0)
            result = await run_pairs([AppSide(tab) for tab in tabs], rounds, warmup, think, server.process.pid,
                                     active_pairs)
            probe.stop()
            acker.cancel()
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        return result
    finally:
        stop(server, server.data_dir)


async def measure(sizes: list[int], rounds: int, warmup: int, rate: float, page_registrations: int,
                  active_pairs: int | None = None, progress: Callable[[str], None] = print,
                  tuning: str = 'on') -> list[dict]:
    rows = []
    for n in sizes:
        pairs = min(n // 2, active_pairs or n // 2)
        think = pairs / rate if rate else 0.0  # each pair's mean pause, for `rate` calls per second in all
        progress(f'[{NAME}] N={n}: app ...')
        app = await attempt(measure_app(n, rounds, warmup, think, page_registrations, active_pairs, tuning),
                            progress)
        progress(f'[{NAME}] N={n}: floor (bare relay) ...')
        floor = await attempt(measure_floor(n, rounds, warmup, think, active_pairs), progress)
        progress(f'[{NAME}] N={n}: floor (bare NiceGUI page) ...')
        nicegui = await attempt(measure_nicegui_floor(n, rounds, warmup, think, active_pairs), progress)
        row = {'n': n, 'think_s': think, 'app': app, 'floor': floor, 'nicegui_floor': nicegui}
        for metric in ('ring', 'accept'):
            relay_p99 = dig(floor, metric, 'p99_ms')
            row[f'ratio_{metric}_p99'] = ratio(dig(app, metric, 'p99_ms'), relay_p99)
            row[f'nicegui_floor_ratio_{metric}_p99'] = ratio(dig(nicegui, metric, 'p99_ms'), relay_p99)
        rows.append(row)
    return rows


def format_rows(rows: list[dict]) -> str:
    lines = []
    for metric in ('ring', 'accept'):
        lines.append(table(
            ['N', f'{metric} app p50', 'p95', 'p99', 'floor p50', 'p95', 'p99', 'p99 ratio', 'calls', 'errors',
             'worst stall s', 'dropped', 'server CPU ms/call'],
            [[row['n'], dig(row, 'app', metric, 'p50_ms'), dig(row, 'app', metric, 'p95_ms'),
              dig(row, 'app', metric, 'p99_ms'), dig(row, 'floor', metric, 'p50_ms'),
              dig(row, 'floor', metric, 'p95_ms'), dig(row, 'floor', metric, 'p99_ms'), row[f'ratio_{metric}_p99'],
              dig(row, 'app', metric, 'count'), dig(row, 'app', 'errors'), dig(row, 'app', 'worst_stall_s'),
              dig(row, 'app', 'dropped_sockets'), _cpu_per_call(row.get('app'))] for row in rows]))
        lines.append(table(
            ['N', f'{metric} bare NiceGUI p50', 'p95', 'p99', 'p99 / relay p99', 'app p99 / this p99', 'errors',
             'server CPU ms/call'],
            [[row['n'], dig(row, 'nicegui_floor', metric, 'p50_ms'), dig(row, 'nicegui_floor', metric, 'p95_ms'),
              dig(row, 'nicegui_floor', metric, 'p99_ms'), row[f'nicegui_floor_ratio_{metric}_p99'],
              ratio(dig(row, 'app', metric, 'p99_ms'), dig(row, 'nicegui_floor', metric, 'p99_ms')),
              dig(row, 'nicegui_floor', 'errors'), _cpu_per_call(row.get('nicegui_floor'))] for row in rows]))
    failed = [f"N={row['n']} {side}: {row[side]['error']}" for row in rows for side in ('app', 'floor', 'nicegui_floor')
              if 'error' in row[side]]
    return ('ring = caller click -> callee receives the banner; accept = accept click -> both receive the call view '
            '(ms); floor = the bare relay; bare NiceGUI = the same pattern as plain NiceGUI elements\n'
            + '\n\n'.join(lines) + ''.join(f'\nFAILED {line}' for line in failed))


def _cpu_per_call(side: dict | None) -> float | None:
    calls, cpu = dig(side, 'calls'), dig(side, 'server_cpu_s')
    return 1000 * cpu / calls if calls and cpu is not None else None


def targets(rows: list[dict]) -> list[dict]:
    """The targets are set for the largest N measured (N=1000 in the full run)."""
    if not rows:
        return []
    largest = rows[-1]
    checks = []
    for metric in ('ring', 'accept'):
        p99 = dig(largest, 'app', metric, 'p99_ms')
        detail = dig(largest, 'app', 'error') or ''
        checks.append(target(f'{metric} p99 at N={largest["n"]}', p99, TARGET_P99_MS, 'ms', detail))
        checks.append(target(f'{metric} p99 / floor p99 at N={largest["n"]}', largest[f'ratio_{metric}_p99'],
                             TARGET_FLOOR_RATIO, 'x', detail))
    return checks


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=list(DEFAULT_SIZES), help='numbers of dashboards')
    parser.add_argument('--rounds', type=int, default=6, help='measured calls per pair (default 6)')
    parser.add_argument('--warmup', type=int, default=1, help='unmeasured calls per pair first (default 1)')
    parser.add_argument('--active-pairs', type=int, default=DEFAULT_ACTIVE_PAIRS,
                        help=f'only this many pairs call (spread over all users); the other dashboards stay open '
                             f'idle (default {DEFAULT_ACTIVE_PAIRS}; 0: every pair)')
    parser.add_argument('--rate', type=float, default=DEFAULT_RATE,
                        help=f'offered calls per second over the calling pairs (default {DEFAULT_RATE:g}; '
                             f'0: every pair back to back, i.e. the server saturated)')
    parser.add_argument('--page-registrations', type=int, default=2,
                        help='users who register through /register (bcrypt 12 rounds); the rest are pre-created')
    parser.add_argument('--name', default=NAME, help=f'results file name (default {NAME}, e.g. for a second mode)')
    tuning_option(parser)
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if any(n < 2 for n in args.sizes) or args.rounds < 1 or args.warmup < 0 or args.rate < 0 or args.active_pairs < 0:
        parser.error('sizes must be at least 2, rounds at least 1, the rate and active pairs not negative')
    args.active_pairs = args.active_pairs or None
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    rows = asyncio.run(measure(args.sizes, args.rounds, args.warmup, args.rate, args.page_registrations,
                               args.active_pairs, tuning=args.tuning))
    result = {'params': {'sizes': args.sizes, 'rounds': args.rounds, 'warmup': args.warmup, 'rate': args.rate,
                         'active_pairs': args.active_pairs,
                         'page_registrations': args.page_registrations, 'tuning': args.tuning},
              'results': rows, 'targets': targets(rows)}
    print(format_rows(rows))
    path = write_result(args.name, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
