"""Server memory per open dashboard: RSS growth of `python main.py` divided by N open dashboards.

`python -m bench memory [--sizes 100 500 1000]`

A fresh app per size with N users. Baseline: after every user signed in through /login (those login tabs
are gone) and one dashboard was opened and closed (first-use costs: templates, component registration).
Then N synthetic dashboards are opened (bench/nicegui_client.py), each showing the full directory
(MAX_ROWS rows), and RSS (VmRSS of /proc/<pid>/status) is read once the server is quiet.

Every user is made online first with a hidden dashboard (a search nobody matches; kept open, so part of
the baseline): every login is a presence change that every open directory applies (see bench/README.md), so
the measured dashboards arrive without presence changes. So this is the memory of each additional, full dashboard
(the directory rows, the call panel, the history).

Also reported: elements per dashboard, the server's idle CPU with N dashboards open (per-tab loops and
timers), and the same RSS growth per tab for the floor, a bare NiceGUI page with one label.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ui.components.user_directory import MAX_ROWS

from .app_process import (
    LoopProbe,
    new_data_dir,
    precreate_users,
    rss_bytes,
    start_app,
    start_bare_page,
    stop,
    tuning_option,
)
from .nicegui_client import (
    Tab,
    ack_forever,
    hold_presence,
    http_session,
    open_dashboard,
    open_dashboards,
    open_pages,
    sign_in_all,
    statuses,
)
from .report import attempt, dig, idle_cpu_share, ratio, table, target, write_result

NAME = 'memory'
DEFAULT_SIZES = (100, 500, 1000)
TARGET_MB = 1.0
MB = 1024 * 1024


@dataclass(frozen=True)
class Waits:
    gone: float = 4.0  # for tabs to be deleted (NiceGUI's reconnect window is 3 s)
    settle: float = 3.0  # before reading RSS
    idle: float = 5.0  # measuring idle CPU
    stable_reads: int = 10  # at most this many more reads, a second apart, until RSS stops moving


QUICK = Waits(gone=0.3, settle=0.3, idle=0.3, stable_reads=0)


async def _quiet_rss(pid: int, settle: float = 3.0, stable_reads: int = 10) -> int:
    """RSS once it stopped moving (after `settle` s, then until two reads a second apart agree within 1%)."""
    await asyncio.sleep(settle)
    last = rss_bytes(pid)
    for _ in range(stable_reads):
        await asyncio.sleep(1.0)
        now = rss_bytes(pid)
        if abs(now - last) <= 0.01 * last:
            return now
        last = now
    return last


async def measure_app(n: int, waits: Waits, tuning: str = 'on') -> dict:
    names = [f'u{i:04d}' for i in range(n + 1)]  # one more user for the warm-up dashboard
    watchers, warmup = names[:n], names[n]
    data_dir = new_data_dir(f'memory{n}')
    server = None
    failed = True
    try:
        precreate_users(data_dir, names)
        server = start_app(data_dir, NICEGUI_TUNING=tuning)
        pid = server.process.pid
        async with http_session() as http:
            probe = LoopProbe(server.url)
            probe.start(http)
            cookies = await sign_in_all(server.url, http, names, registered=[])
            first = await open_dashboard(server.url, http, warmup, cookies[warmup])
            full_page_elements = first.page_elements  # the directory shows all its rows (everyone offline)
            await first.close()
            # Every user online first (hidden dashboards, kept open and in the baseline): the measured
            # dashboards then arrive without presence changes, which every open directory would apply.
            tabs: list[Tab] = []
            holders = await hold_presence(server.url, http, cookies, watchers)
            acker = asyncio.create_task(ack_forever(lambda: holders + tabs))
            await asyncio.sleep(waits.gone)  # past NiceGUI's 3 s reconnect window: login and warm-up tabs deleted
            baseline = await _quiet_rss(pid, waits.settle / 3, waits.stable_reads)
            started = time.perf_counter()
            tabs = await open_dashboards(server.url, http, cookies, watchers)
            shown = [len(statuses(tab)) == min(MAX_ROWS, n) for tab in tabs]
            setup_s = time.perf_counter() - started
            rss = await _quiet_rss(pid, waits.settle, waits.stable_reads)
            rows = [len(statuses(tab)) for tab in tabs]
            drops = sum(tab.drops for tab in tabs)  # before the holders go: deleting hundreds of tabs stalls too
            # Idle CPU with just the N dashboards: the holders go (no presence change: their users stay online).
            await asyncio.gather(*(tab.close() for tab in holders), return_exceptions=True)
            holders = []
            await asyncio.sleep(waits.gone)
            await probe.quiet(timeout=120 if waits.idle >= 1 else 5)  # deleting hundreds of tabs takes a while
            idle = await idle_cpu_share(pid, waits.idle)
            probe.stop()
            acker.cancel()
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        failed = False
        return {'baseline_mb': baseline / MB, 'rss_mb': rss / MB, 'growth_mb': (rss - baseline) / MB,
                'mb_per_dashboard': (rss - baseline) / MB / n, 'elements_per_dashboard': full_page_elements,
                'kb_per_element': (rss - baseline) / 1024 / n / full_page_elements,
                'directory_rows': sum(rows) / len(rows), 'idle_server_cpu_share': idle, 'setup_s': setup_s,
                'worst_stall_s': probe.worst(started), 'dropped_sockets': drops,
                'page_retries': sum(tab.retries for tab in tabs),
                'page_reloads': sum(tab.reloads for tab in tabs), 'incomplete_dashboards': shown.count(False)}
    finally:
        if failed and server is not None:
            print(f'server log kept in {server.log_path}', file=sys.stderr)
        stop(server, data_dir, keep=failed)


async def measure_floor(n: int, waits: Waits) -> dict:
    server = start_bare_page()
    try:
        pid = server.process.pid
        async with http_session() as http:
            first = Tab(server.url, http, name='warm-up')
            await first.open('/')
            await first.close()
            await asyncio.sleep(waits.gone)
            baseline = await _quiet_rss(pid, waits.settle / 3, waits.stable_reads)
            tabs = await open_pages(server.url, http, {f'tab{i}': '/' for i in range(n)})
            acker = asyncio.create_task(ack_forever(lambda: tabs))
            rss = await _quiet_rss(pid, waits.settle, waits.stable_reads)
            idle = await idle_cpu_share(pid, waits.idle)
            acker.cancel()
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        return {'baseline_mb': baseline / MB, 'rss_mb': rss / MB, 'growth_mb': (rss - baseline) / MB,
                'mb_per_dashboard': (rss - baseline) / MB / n, 'elements_per_dashboard': first.page_elements,
                'idle_server_cpu_share': idle}
    finally:
        stop(server, server.data_dir)


async def measure(sizes: list[int], waits: Waits, progress: Callable[[str], None] = print,
                  tuning: str = 'on') -> list[dict]:
    rows = []
    for n in sizes:
        progress(f'[{NAME}] N={n}: app ...')
        app = await attempt(measure_app(n, waits, tuning), progress)
        progress(f'[{NAME}] N={n}: floor (bare NiceGUI page) ...')
        floor = await attempt(measure_floor(n, waits), progress)
        rows.append({'n': n, 'app': app, 'floor': floor,
                     'ratio_per_dashboard': ratio(dig(app, 'mb_per_dashboard'), dig(floor, 'mb_per_dashboard'))})
    return rows


def format_rows(rows: list[dict]) -> str:
    lines = table(
        ['N', 'baseline MB', 'RSS MB', 'MB/dashboard', 'floor MB/tab', 'ratio', 'elements', 'KB/element',
         'idle CPU', 'floor idle CPU', 'incomplete'],
        [[row['n'], dig(row, 'app', 'baseline_mb'), dig(row, 'app', 'rss_mb'), dig(row, 'app', 'mb_per_dashboard'),
          dig(row, 'floor', 'mb_per_dashboard'), row['ratio_per_dashboard'], dig(row, 'app', 'elements_per_dashboard'),
          dig(row, 'app', 'kb_per_element'), dig(row, 'app', 'idle_server_cpu_share'),
          dig(row, 'floor', 'idle_server_cpu_share'), dig(row, 'app', 'incomplete_dashboards')] for row in rows])
    failed = [f"N={row['n']} {side}: {row[side]['error']}" for row in rows for side in ('app', 'floor')
              if 'error' in row[side]]
    return lines + ''.join(f'\nFAILED {line}' for line in failed)


def targets(rows: list[dict]) -> list[dict]:
    return [target(f'memory per dashboard at N={row["n"]}', dig(row, 'app', 'mb_per_dashboard'), TARGET_MB, 'MB',
                   dig(row, 'app', 'error') or '') for row in rows]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=list(DEFAULT_SIZES), help='open dashboards')
    parser.add_argument('--quick', action='store_true', help='short waits (the smoke test): less accurate')
    tuning_option(parser)
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes):
        parser.error('sizes must be positive')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    rows = asyncio.run(measure(args.sizes, QUICK if args.quick else Waits(), tuning=args.tuning))
    result = {'params': {'sizes': args.sizes, 'quick': args.quick, 'tuning': args.tuning}, 'results': rows,
              'targets': targets(rows)}
    print(format_rows(rows))
    path = write_result(NAME, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
