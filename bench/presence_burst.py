"""Presence at scale: N dashboards open, then 10% more users log in (open a dashboard) and out in a burst.

`python -m bench presence_burst [--sizes 100 500 1000] [--fraction 0.1]`

The N watching users are `u0000...`; the burst users are `a0000...`, which sort first, so every burst user
that fits lands in the first rows of every directory (online users come first, then by name; only
`MAX_ROWS` rows are rendered). That makes every change visible on every dashboard: the worst case, since a
change to a user nobody renders produces no element update at all.

For every (dashboard, change) whose user is rendered, the delivery time is from the change (the burst tab's
socket connected, or the moment it disconnected) until the first update after which the dashboard shows it.
A dashboard has settled when its rendered badges equal the expected final directory. Messages and bytes are
what actually reached the watching sockets (counted in the client), per presence change.

A logout counts only after NiceGUI deletes the tab, `reconnect_timeout` (3 s) after the socket dropped, so
that reloads do not flicker; logout numbers are also given with that designed wait taken off.

Floors: the same clients on the bare relay (bench/relay_floor.py), where each connect and disconnect is
broadcast at once to every other client: one message per change per client, no batching, no grace window.
And for the login, what any NiceGUI app pays before it can show a single arrival: N bare NiceGUI pages open
(bench/bare_page.py), then the burst's pages opened at once, timed until the last of their sockets is
connected (the app's own burst changes happen at those connects: compare its `last_change_s`).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from ui.components.user_directory import MAX_ROWS

from .app_process import LoopProbe, new_data_dir, precreate_users, start_app, start_bare_page, stop, tuning_option
from .nicegui_client import (
    HIDE,
    RELOADED,
    PageError,
    Tab,
    ack_forever,
    http_session,
    open_dashboard,
    open_dashboards,
    open_pages,
    search_directory,
    sign_in_all,
    statuses,
)
from .relay_floor import RelayTab, start_relay
from .report import (
    CpuMeter,
    attempt,
    dig,
    gather_limited,
    idle_cpu_share,
    ratio,
    summary_ms,
    table,
    target,
    write_result,
)

NAME = 'presence_burst'
DEFAULT_SIZES = (100, 500, 1000)
RECONNECT_TIMEOUT = 3.0  # NiceGUI's default; main.py does not change it
TARGET_SETTLE_S = 1.0
SETTLE_TIMEOUT = 180.0


def expected_view(me: str, users: list[str], online: set[str], rows: int) -> dict[str, str]:
    """What `me`'s directory renders: online users first, then by name, the first `rows` of them."""
    ranked = sorted((user for user in users if user != me), key=lambda user: (user not in online, user.lower()))
    return {user: 'online' if user in online else 'offline' for user in ranked[:rows]}


class Phase:
    """Follows one burst on every watching tab: deliveries per (tab, user) and when each tab settled."""

    def __init__(self, watchers: list[str], pending: dict[str, set[str]], final: dict[str, dict[str, str]],
                 delivered: Callable[[str | None], bool]) -> None:
        self.pending = pending  # watcher -> burst users whose change it must still show
        self.final = final  # watcher -> expected badges after the burst
        self.delivered = delivered  # rendered status of a burst user -> has the change arrived?
        self.deliveries: list[tuple[str, float]] = []  # (burst user, receive time)
        self.settled_at: dict[str, float | None] = dict.fromkeys(watchers)
        self.messages = 0
        self.bytes = 0
        self._all_settled = asyncio.Event()
        self._unsettled = set(watchers)

    def on_update(self, watcher: str, view: dict[str, str], now: float) -> None:
        waiting = self.pending.get(watcher)
        if waiting:
            for user in [user for user in waiting if self.delivered(view.get(user))]:
                waiting.discard(user)
                self.deliveries.append((user, now))
        if view == self.final[watcher]:
            if self.settled_at[watcher] is None:
                self.settled_at[watcher] = now
            self._unsettled.discard(watcher)
        else:
            self.settled_at[watcher] = None
            self._unsettled.add(watcher)
        if not self._unsettled:
            self._all_settled.set()

    async def settled(self, timeout: float) -> bool:
        if not self._unsettled:
            return True
        try:
            await asyncio.wait_for(self._all_settled.wait(), timeout)
            return True
        except TimeoutError:
            return False

    def report(self, started: float, changed_at: dict[str, float], changes: int, cpu: dict,
               grace: float = 0.0, idle_share: float = 0.0) -> dict:
        """Summarise the phase; CPU per change leaves out what the server burns idle over the same window."""
        latencies = [now - changed_at[user] for user, now in self.deliveries if user in changed_at]
        settle_times = [at for at in self.settled_at.values() if at is not None]
        unsettled = sum(at is None for at in self.settled_at.values())
        last_change = max(changed_at.values()) if changed_at else started
        settle_s = (max(settle_times) - started) if settle_times and not unsettled else math.nan
        return {
            'changes': changes,
            'delivery': summary_ms(latencies),
            'delivery_after_grace': summary_ms([max(0.0, latency - grace) for latency in latencies]),
            'undelivered': sum(len(users) for users in self.pending.values()),
            'unsettled_dashboards': unsettled,
            'settle_s': settle_s,
            'settle_after_grace_s': settle_s - grace if math.isfinite(settle_s) else math.nan,
            'last_change_s': last_change - started,
            'settle_after_last_change_s': (max(settle_times) - last_change) if settle_times and not unsettled
            else math.nan,
            'messages': self.messages,
            'messages_per_change': self.messages / changes if changes else math.nan,
            'bytes_per_change': self.bytes / changes if changes else math.nan,
            'server_idle_cpu_share': idle_share,
            'server_cpu_ms_per_change': 1000 * max(0.0, cpu['server_cpu_s'] - idle_share * cpu['wall_s']) / changes
            if changes else math.nan,
            **cpu,
        }


async def _shows(tab: Tab, view: dict[str, str], timeout: float = 30) -> bool:
    """Whether the tab shows `view` (waiting a little); False is counted, not fatal."""
    try:
        await asyncio.wait_for(tab.expect(lambda t: statuses(t) == view), timeout)
        return True
    except TimeoutError:
        return False


async def _arrive(tab: RelayTab, changed_at: dict[str, float]) -> None:
    await tab.open()
    changed_at[tab.name] = tab.connecting_at  # a login is a change from the moment its socket connects


async def _leave(tab: Tab | RelayTab, changed_at: dict[str, float]) -> None:
    changed_at[tab.name] = time.perf_counter()  # the tab is gone from here on; the server learns it at once
    await tab.close()


def watch_app(tabs: list[Tab], phase_of: Callable[[], Phase | None]) -> None:
    def on_message(tab: Tab, event: str, now: float) -> None:
        phase = phase_of()
        if phase is None:
            return
        if event != RELOADED:
            phase.messages += 1
        if event in ('update', RELOADED):
            phase.on_update(tab.name, statuses(tab), now)

    for tab in tabs:
        tab.on_message = on_message


async def measure_app(n: int, burst_size: int, quiet: float, pause: float, tuning: str = 'on') -> dict:
    rows = MAX_ROWS
    watchers = [f'u{i:04d}' for i in range(n)]
    burst = [f'a{i:04d}' for i in range(burst_size)]  # sort before every watcher: rendered on every dashboard
    users = burst + watchers
    data_dir = new_data_dir(f'presence{n}')
    server = None
    failed = True
    try:
        precreate_users(data_dir, users)
        server = start_app(data_dir, NICEGUI_TUNING=tuning)
        async with http_session() as http:
            probe = LoopProbe(server.url)
            probe.start(http)
            setup_started = time.perf_counter()
            cookies = await sign_in_all(server.url, http, users, registered=[])
            # Every arrival is a presence change every open directory applies (see bench/README.md): the watchers
            # arrive with a search nobody matches, so that each applies the others' arrivals without rendering a
            # row, and clear it once everyone is online.
            tabs = await open_dashboards(server.url, http, cookies, watchers, search=lambda _name: HIDE)
            acker = asyncio.create_task(ack_forever(lambda: tabs))
            await gather_limited((search_directory(tab, '', until=lambda t: bool(statuses(t))) for tab in tabs), 16)
            online = set(watchers)
            before = {me: expected_view(me, users, online, rows) for me in watchers}
            await probe.quiet()
            shown = await gather_limited((_shows(tab, before[tab.name]) for tab in tabs), 64)
            # A dashboard that does not show the expected directory (counted) is not watched; its user is online.
            tabs = [tab for tab, ok in zip(tabs, shown, strict=True) if ok]
            watchers = [tab.name for tab in tabs]
            setup_s = time.perf_counter() - setup_started
            await asyncio.sleep(pause)
            after = {me: expected_view(me, users, online | set(burst), rows) for me in watchers}
            before = {me: before[me] for me in watchers}
            current: list[Phase | None] = [None]
            watch_app(tabs, lambda: current[0])
            for tab in tabs:
                tab.count_bytes = True
            gc.collect()
            gc.freeze()  # keep full collections over thousands of long-lived objects out of the timings

            idle = await idle_cpu_share(server.process.pid, pause)

            # Log in: every burst user opens a dashboard at once.
            login = current[0] = Phase(watchers, {me: {u for u in burst if u in after[me]} for me in watchers},
                                       after, delivered=lambda status: status == 'online')
            bytes_before = sum(tab.message_bytes for tab in tabs)
            drops_before, reloads_before = sum(tab.drops for tab in tabs), sum(tab.reloads for tab in tabs)
            changed_at: dict[str, float] = {}
            meter = CpuMeter(server.process.pid)
            started = time.perf_counter()

            async def arrive(user: str) -> Tab | None:
                try:
                    tab = await open_dashboard(server.url, http, user, cookies[user])
                except (PageError, ConnectionError):
                    return None  # counted as a failed login; its change never happens
                changed_at[user] = tab.connecting_at  # presence counts a tab from its websocket connect
                return tab

            arrived = await asyncio.gather(*(arrive(user) for user in burst))
            burst_tabs = [tab for tab in arrived if tab is not None]
            await login.settled(SETTLE_TIMEOUT)
            cpu = meter.stop()
            await asyncio.sleep(quiet)  # count stragglers too
            login.bytes = sum(tab.message_bytes for tab in tabs) - bytes_before
            login_report = login.report(started, changed_at, len(burst), cpu, idle_share=idle)
            await asyncio.sleep(pause)
            login_report.update(worst_stall_s=probe.worst(started, started + cpu['wall_s']),
                                dropped_sockets=sum(tab.drops for tab in tabs) - drops_before,
                                page_reloads=sum(tab.reloads for tab in tabs) - reloads_before,
                                page_retries=sum(tab.retries for tab in burst_tabs),
                                failed_logins=len(burst) - len(burst_tabs))
            drops_before, reloads_before = sum(tab.drops for tab in tabs), sum(tab.reloads for tab in tabs)

            # Log out: every burst tab goes away at once.
            logout = current[0] = Phase(watchers, {me: {u for u in burst if u in after[me]} for me in watchers},
                                        before, delivered=lambda status: status != 'online')
            bytes_before = sum(tab.message_bytes for tab in tabs)
            changed_at = {}
            meter = CpuMeter(server.process.pid)
            started = time.perf_counter()

            await asyncio.gather(*(_leave(tab, changed_at) for tab in burst_tabs))
            await logout.settled(SETTLE_TIMEOUT + RECONNECT_TIMEOUT)
            cpu = meter.stop()
            await asyncio.sleep(quiet)
            logout.bytes = sum(tab.message_bytes for tab in tabs) - bytes_before
            logout_report = logout.report(started, changed_at, len(burst), cpu, grace=RECONNECT_TIMEOUT,
                                          idle_share=idle)
            logout_report.update(worst_stall_s=probe.worst(started, started + cpu['wall_s']),
                                 dropped_sockets=sum(tab.drops for tab in tabs) - drops_before,
                                 page_reloads=sum(tab.reloads for tab in tabs) - reloads_before)
            probe.stop()
            gc.unfreeze()
            current[0] = None
            acker.cancel()
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        failed = False
        return {'login': login_report, 'logout': logout_report, 'setup_s': setup_s,
                'unwatched_dashboards': shown.count(False)}
    finally:
        if failed and server is not None:
            print(f'server log kept in {server.log_path}', file=sys.stderr)
        stop(server, data_dir, keep=failed)


async def measure_floor(n: int, burst_size: int, quiet: float, pause: float) -> dict:
    watchers = [f'u{i:04d}' for i in range(n)]
    burst = [f'a{i:04d}' for i in range(burst_size)]
    relay = start_relay()
    try:
        async with http_session() as http:
            tabs = [RelayTab(relay.url, http, name) for name in watchers]
            await gather_limited((tab.open() for tab in tabs), 16)
            current: list[Phase | None] = [None]
            seen: dict[str, dict[str, str]] = {name: {} for name in watchers}

            def on_message(tab: RelayTab, payload: dict, now: float) -> None:
                phase = current[0]
                if phase is None or payload.get('kind') != 'presence':
                    return
                phase.messages += 1
                phase.bytes += len(orjson.dumps(payload))
                seen[tab.name][payload['user']] = payload['status']
                phase.on_update(tab.name, seen[tab.name], now)

            for tab in tabs:
                tab.on_message = on_message
            gc.collect()
            gc.freeze()
            idle = await idle_cpu_share(relay.process.pid, pause)
            reports = {}
            for kind, status in (('login', 'online'), ('logout', 'offline')):
                final = {name: dict.fromkeys(burst, status) for name in watchers}
                phase = current[0] = Phase(watchers, {name: set(burst) for name in watchers}, final,
                                           delivered=lambda got, status=status: got == status)
                changed_at: dict[str, float] = {}
                meter = CpuMeter(relay.process.pid)
                started = time.perf_counter()
                if kind == 'login':
                    burst_tabs = [RelayTab(relay.url, http, user, announce=True) for user in burst]
                    await asyncio.gather(*(_arrive(tab, changed_at) for tab in burst_tabs))
                else:
                    await asyncio.gather(*(_leave(tab, changed_at) for tab in burst_tabs))
                await phase.settled(SETTLE_TIMEOUT)
                cpu = meter.stop()
                await asyncio.sleep(quiet)
                reports[kind] = phase.report(started, changed_at, len(burst), cpu, idle_share=idle)
                await asyncio.sleep(pause)
            gc.unfreeze()
            await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)
        return reports
    finally:
        stop(relay, relay.data_dir)


async def measure_page_floor(n: int, burst_size: int, pause: float) -> dict:
    """N bare NiceGUI pages open, then `burst_size` more opened at once: until the last one is connected."""
    server = start_bare_page()
    try:
        async with http_session() as http:
            tabs = await open_pages(server.url, http, {f'open{i}': '/' for i in range(n)})
            acker = asyncio.create_task(ack_forever(lambda: tabs))
            gc.collect()
            gc.freeze()
            await asyncio.sleep(pause)
            meter = CpuMeter(server.process.pid)
            started = time.perf_counter()
            burst = await open_pages(server.url, http, {f'burst{i}': '/' for i in range(burst_size)},
                                     concurrency=burst_size)  # all at once
            connected_s = time.perf_counter() - started
            cpu = meter.stop()
            gc.unfreeze()
            acker.cancel()
            await asyncio.gather(*(tab.close() for tab in tabs + burst), return_exceptions=True)
        return {'all_connected_s': connected_s, 'server_cpu_ms_per_page': 1000 * cpu['server_cpu_s'] / burst_size,
                **cpu}
    finally:
        stop(server, server.data_dir)


async def measure(sizes: list[int], fraction: float, quiet: float, pause: float,
                  progress: Callable[[str], None] = print, tuning: str = 'on') -> list[dict]:
    rows = []
    for n in sizes:
        burst_size = max(1, round(n * fraction))
        progress(f'[{NAME}] N={n}, burst of {burst_size}: app ...')
        app = await attempt(measure_app(n, burst_size, quiet, pause, tuning), progress)
        progress(f'[{NAME}] N={n}: floor (bare relay broadcast) ...')
        floor = await attempt(measure_floor(n, burst_size, quiet, pause), progress)
        progress(f'[{NAME}] N={n}: floor (bare NiceGUI pages opened at once) ...')
        page_floor = await attempt(measure_page_floor(n, burst_size, pause), progress)
        rows.append({'n': n, 'burst': burst_size, 'app': app, 'floor': floor, 'page_floor': page_floor,
                     'ratio_login_delivery_p99': ratio(dig(app, 'login', 'delivery', 'p99_ms'),
                                                       dig(floor, 'login', 'delivery', 'p99_ms')),
                     'ratio_logout_delivery_p99_after_grace': ratio(
                         dig(app, 'logout', 'delivery_after_grace', 'p99_ms'),
                         dig(floor, 'logout', 'delivery', 'p99_ms'))})
    return rows


def format_rows(rows: list[dict]) -> str:
    lines = []
    for kind in ('login', 'logout'):
        delivery = 'delivery' if kind == 'login' else 'delivery_after_grace'
        settle = 'settle_s' if kind == 'login' else 'settle_after_grace_s'
        ratio_key = 'ratio_login_delivery_p99' if kind == 'login' else 'ratio_logout_delivery_p99_after_grace'
        lines.append(table(
            ['N', 'burst', f'{kind} p50 ms', 'p99 ms', 'floor p99', 'ratio', 'settle s', 'floor settle',
             'msgs/change', 'floor', 'KB/change', 'srv CPU ms/change', 'floor', 'worst stall s', 'dropped'],
            [[row['n'], row['burst'], dig(row, 'app', kind, delivery, 'p50_ms'),
              dig(row, 'app', kind, delivery, 'p99_ms'), dig(row, 'floor', kind, 'delivery', 'p99_ms'),
              row[ratio_key], dig(row, 'app', kind, settle), dig(row, 'floor', kind, 'settle_s'),
              dig(row, 'app', kind, 'messages_per_change'), dig(row, 'floor', kind, 'messages_per_change'),
              (kb := dig(row, 'app', kind, 'bytes_per_change')) and kb / 1024,
              dig(row, 'app', kind, 'server_cpu_ms_per_change'), dig(row, 'floor', kind, 'server_cpu_ms_per_change'),
              dig(row, 'app', kind, 'worst_stall_s'), dig(row, 'app', kind, 'dropped_sockets')] for row in rows]))
    lines.append(table(
        ['N', 'burst', 'login: last tab connected s', 'bare NiceGUI pages s', 'ratio', 'bare CPU ms/page'],
        [[row['n'], row['burst'], dig(row, 'app', 'login', 'last_change_s'), dig(row, 'page_floor', 'all_connected_s'),
          ratio(dig(row, 'app', 'login', 'last_change_s'), dig(row, 'page_floor', 'all_connected_s')),
          dig(row, 'page_floor', 'server_cpu_ms_per_page')] for row in rows]))
    failed = [f"N={row['n']} {side}: {row[side]['error']}" for row in rows for side in ('app', 'floor', 'page_floor')
              if 'error' in row[side]]
    return ('delivery = change -> a dashboard shows it (every rendered pair); settle = burst start -> every dashboard '
            f'shows the final directory; logout rows have the {RECONNECT_TIMEOUT:g} s reconnect window taken off; '
            'last table: burst start -> the last burst tab connected, against as many bare NiceGUI pages\n'
            + '\n\n'.join(lines) + ''.join(f'\nFAILED {line}' for line in failed))


def targets(rows: list[dict]) -> list[dict]:
    if not rows:
        return []
    largest = rows[-1]
    detail = dig(largest, 'app', 'error') or ''
    return [
        target(f'login burst at N={largest["n"]} settles', dig(largest, 'app', 'login', 'settle_s'), TARGET_SETTLE_S,
               's', detail or 'from the first login of the burst until every open dashboard shows every change'),
        target(f'logout burst at N={largest["n"]} settles after the reconnect window',
               dig(largest, 'app', 'logout', 'settle_after_grace_s'), TARGET_SETTLE_S, 's',
               detail or f'from the disconnects plus NiceGUI\'s {RECONNECT_TIMEOUT:g} s reconnect window'),
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=list(DEFAULT_SIZES), help='open dashboards')
    parser.add_argument('--fraction', type=float, default=0.1, help='burst size as a share of N (default 0.1)')
    parser.add_argument('--quiet', type=float, default=0.5, help='s to keep counting messages after settling')
    parser.add_argument('--quick', action='store_true', help='short pauses between phases (the smoke test)')
    tuning_option(parser)
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if any(n < 1 for n in args.sizes) or not 0 < args.fraction <= 1:
        parser.error('sizes must be positive and the fraction in (0, 1]')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    pause = 0.2 if args.quick else 1.0  # between phases, and to measure the idle CPU
    rows = asyncio.run(measure(args.sizes, args.fraction, 0.1 if args.quick else args.quiet, pause,
                               tuning=args.tuning))
    result = {'params': {'sizes': args.sizes, 'fraction': args.fraction, 'directory_rows': MAX_ROWS,
                         'reconnect_timeout_s': RECONNECT_TIMEOUT, 'tuning': args.tuning},
              'results': rows, 'targets': targets(rows)}
    print(format_rows(rows))
    path = write_result(NAME, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
