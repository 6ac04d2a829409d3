"""One process against several: the same N dashboards on 1, 2 (or 3) processes, calls across processes.

`python -m bench processes [--sizes 1000 2000] [--processes 1 2]` (on a shared machine run it niced:
`nice -n 10 python -m bench processes`)

1 process: `python main.py` as the README starts it (SQLite, no Redis): the default. Several: tests/cluster.py, as
`python -m deploy.cluster` runs them: `python main.py` processes sharing PostgreSQL and Redis (the call registry,
presence, delivery, the sign-ins), HAProxy in front. Users are written into the database before the processes
start (bcrypt at 4 rounds). Each user is a synthetic browser (bench/nicegui_client.py) with its own cookie jar
holding the proxy's sticky cookie: user i on process i mod P. Pairs are users 2k and 2k+1, so with two or three
processes caller and callee are always on different processes.

For each N (`--sizes`) the processes counts (`--processes`) run one after the other, so they share the machine's
load of that moment. Each:
- set-up: every user signs in through /login and opens the dashboard, 8 at a time per process (timed: sign-ins
  per second); the calling pairs' users search for their peer, everyone else's directory is hidden (a search
  nobody matches);
- latency: `--active-pairs` pairs ring at `--rate` calls/s in all, `--rounds` calls each, as `ring_latency` does
  (ring: click -> the callee's banner; accept: accept click -> both call views), p50 / p99;
- call rate (bench/call_rate.py): offered calls per second stepped up (`--rates`) until ring or accept p99
  passes 100 ms; the highest sustained rate;
- Redis (bench/redis_cost.py, with Redis): `--redis-calls` calls (ring, accept, hang-up) one after the other:
  Redis commands, bytes and CPU per call;
- login burst (N in `--burst-sizes`): every dashboard clears its search; 10 % more users sign in, then open a
  dashboard at once; until every dashboard shows them (bench/presence_burst.py's measure); its
  floor, once per N: N bare NiceGUI pages open on one process, the burst's pages opened at once, until the last
  is connected (presence_burst's page floor).
CPU is read for every part (the processes, Redis, HAProxy, PostgreSQL, this process's synthetic tabs and the rest
of the machine): on one machine the clients share the cores with what they measure.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import math
import time
from pathlib import Path

import aiohttp
from yarl import URL

from tests.cluster import STICKY_COOKIE, Cluster
from tests.postgres_server import PostgresServer
from ui.components.user_directory import MAX_ROWS

from . import call_rate, presence_burst, redis_cost
from .app_process import PASSWORD, LoopProbe, new_data_dir, start_app, stop
from .nicegui_client import (
    HIDE,
    PageError,
    Tab,
    ack_forever,
    http_session,
    log_in,
    open_dashboard,
    search_directory,
    statuses,
)
from .report import PartsMeter, attempt, dig, gather_limited, ratio, summary_ms, table, target, write_result
from .ring_latency import AppSide, Samples, calling_pairs, one_call, pair_loop

NAME = 'processes'
SIGN_IN_CONCURRENCY = 8  # per process
TARGET_P99_RATIO = 1.5  # cross-process p99 against one process at the same N
TARGET_BURST_S = 1.0  # the login burst settles within
TARGET_RATE_RATIO = 1.7  # two processes' highest sustained call rate against one's


def precreate(database_url: str, names: list[str]) -> None:
    from backend.accounts import Accounts
    from backend.database import create_database, dispose
    sessions = create_database(database_url)
    accounts = Accounts(sessions, bcrypt_rounds=4)
    for name in names:
        accounts.register(name, PASSWORD)
    dispose(sessions)


def browser(url: str, sticky: str) -> aiohttp.ClientSession:
    """One browser's HTTP and WebSocket session: its cookie jar holds the proxy's sticky cookie (the `session`
    cookie goes with each of its tabs' requests, bench/nicegui_client.py)."""
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: cookies for an IP address, 127.0.0.1
    if sticky:
        jar.update_cookies({STICKY_COOKIE: sticky}, URL(url))
    return aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=120))


class Deployment:
    """P processes for `names`: one `python main.py` on SQLite, or tests/cluster.py's (PostgreSQL, Redis, HAProxy).
    `url` is where browsers go, `routes[i]` the sticky cookie's value for process i, `parts` the pids by part."""

    def __init__(self, processes: int, names: list[str], postgres: PostgresServer) -> None:
        self.folder = new_data_dir(f'bench-{processes}p')
        self.app = self.cluster = None
        if processes == 1:
            precreate(f'sqlite:///{self.folder / "ringboard.db"}', names)
            self.app = start_app(self.folder)
            self.url, self.routes, self.app_urls = self.app.url, [''], [self.app.url]
            self.redis_url = ''
            self.parts = {'apps': [self.app.process.pid]}
            return
        database = postgres.new_database()
        precreate(database, names)
        self.cluster = Cluster(self.folder, database, processes)
        self.url = self.cluster.url
        self.routes = [self.cluster.sticky_cookie(number)['value'] for number in range(processes)]
        self.app_urls = [app.url for app in self.cluster.apps]
        self.redis_url = self.cluster.settings['REDIS_URL']
        self.parts = {'apps': [app.process.pid for app in self.cluster.apps],
                      'redis': [self.cluster.redis.process.pid], 'proxy': [self.cluster.proxy.process.pid],
                      'postgres': [postgres.process.pid]}

    def meter(self) -> PartsMeter:
        return PartsMeter(self.parts)

    def stop(self) -> None:
        if self.app is not None:
            stop(self.app, self.folder)
        if self.cluster is not None:
            self.cluster.stop()
            stop(None, self.folder)


async def _latency(pairs: list[tuple[AppSide, AppSide]], rounds: int, warmup: int, rate: float,
                   deployment: Deployment) -> dict:
    """`ring_latency`'s pattern over `pairs`: `rate` calls per second in all."""
    samples = Samples()
    think = len(pairs) / rate
    meter = deployment.meter()
    await asyncio.gather(*(pair_loop(a, b, rounds, warmup, samples, think) for a, b in pairs))
    cpu = meter.stop()
    calls = len(samples.ring)
    return {'ring': summary_ms(samples.ring), 'accept': summary_ms(samples.accept), 'calls': calls,
            'errors': len(samples.errors), 'error_examples': samples.errors[:5], 'cpu': cpu,
            'cpu_ms_per_call': {part: 1000 * seconds / calls for part, seconds in cpu['cpu_s'].items()}
            if calls else {}}


def net_ms_per_call(measured: dict, idle_cores: dict[str, float]) -> dict[str, float]:
    """CPU ms per call of each part, less what that part burns idle over as long (heartbeats, acks, timers)."""
    cpu, calls = measured['cpu'], measured['calls']
    return {part: 1000 * max(0.0, seconds - idle_cores.get(part, 0.0) * cpu['wall_s']) / calls
            for part, seconds in cpu['cpu_s'].items() if part != 'others'} if calls else {}


async def _full_calls(pairs: list[tuple[AppSide, AppSide]], count: int) -> int:
    """`count` calls one after the other (ring, accept, hang up), the pairs in turn, callers alternating."""
    for number in range(count):
        a, b = pairs[number % len(pairs)]
        caller, callee = (a, b) if number // len(pairs) % 2 == 0 else (b, a)
        await one_call(caller, callee, accepting=True)
    return count


async def _login_burst(tabs: list[Tab], burst: list[str], browsers: dict[str, aiohttp.ClientSession],
                       url: str, deployment: Deployment, probes: list[LoopProbe]) -> dict:
    """Every dashboard clears its search and shows the directory; the burst's users sign in; then every one of them
    opens a dashboard at once, until every dashboard shows them (presence_burst's `Phase`)."""
    users = burst + [tab.name for tab in tabs]
    online = {tab.name for tab in tabs}
    await gather_limited((search_directory(tab, '', until=lambda t: bool(statuses(t))) for tab in tabs), 16)
    before = {tab.name: presence_burst.expected_view(tab.name, users, online, MAX_ROWS) for tab in tabs}
    for probe in probes:
        await probe.quiet()

    async def shows(tab: Tab) -> bool:
        try:
            await asyncio.wait_for(tab.expect(lambda t: statuses(t) == before[t.name]), 30)
            return True
        except TimeoutError:
            return False

    shown = await gather_limited((shows(tab) for tab in tabs), 64)
    cookies = dict(zip(burst, await gather_limited((log_in(url, browsers[user], user) for user in burst),
                                                   SIGN_IN_CONCURRENCY * len(deployment.routes)), strict=True))
    watching = [tab for tab, ok in zip(tabs, shown, strict=True) if ok]  # the others are counted, not watched
    after = {tab.name: presence_burst.expected_view(tab.name, users, online | set(burst), MAX_ROWS) for tab in watching}
    phase = presence_burst.Phase([tab.name for tab in watching], {me: {user for user in burst if user in view}
                                                  for me, view in after.items()},
                  after, delivered=lambda status: status == 'online')

    presence_burst.watch_app(watching, lambda: phase)
    changed_at: dict[str, float] = {}

    async def arrive(user: str) -> Tab | None:
        try:
            tab = await open_dashboard(url, browsers[user], user, cookies[user])
        except (PageError, ConnectionError):
            return None  # a failed login is counted: its change never happens
        changed_at[user] = tab.connecting_at  # presence counts a tab from its websocket connect
        return tab

    meter = deployment.meter()
    started = time.perf_counter()
    arrived = await asyncio.gather(*(arrive(user) for user in burst))
    await phase.settled(presence_burst.SETTLE_TIMEOUT)
    cpu = meter.stop()
    for tab in watching:
        tab.on_message = None
    report = phase.report(started, changed_at, len(burst), {'wall_s': cpu['wall_s'],
                                                             'server_cpu_s': cpu['cpu_s']['apps']})
    report.update(cpu=cpu, unwatched_dashboards=len(tabs) - len(watching),
                  failed_logins=sum(tab is None for tab in arrived),
                  worst_stall_s=max(probe.worst(started) for probe in probes))
    await gather_limited((tab.close() for tab in arrived if tab is not None), 64)
    return report


async def drive(deployment: Deployment, names: list[str], burst: list[str], args: argparse.Namespace) -> dict:
    """Set up N dashboards on the deployment, then measure latency, call rate, Redis and the login burst."""
    count = len(deployment.routes)
    route = {name: deployment.routes[number % count] for number, name in enumerate(names)}
    route |= {name: deployment.routes[number % count] for number, name in enumerate(burst)}
    pairs = calling_pairs(names, args.active_pairs)
    peer = {a: b for a, b in pairs} | {b: a for a, b in pairs}
    browsers = {name: browser(deployment.url, route[name]) for name in names + burst}
    tabs: list[Tab] = []
    acker = None
    try:
        async with http_session() as http:
            probes = [LoopProbe(url) for url in deployment.app_urls]
            for probe in probes:
                probe.start(http)
            meter = deployment.meter()
            started = time.perf_counter()

            async def arrive(name: str) -> Tab:
                cookie = await log_in(deployment.url, browsers[name], name)
                return await open_dashboard(deployment.url, browsers[name], name, cookie, search=peer.get(name, HIDE))

            # Every arrival is a presence change every open dashboard applies: a few at a time per process
            # (bench/README.md, "Set-up is gentle on purpose").
            tabs = await gather_limited((arrive(name) for name in names), SIGN_IN_CONCURRENCY * len(deployment.routes))
            setup_s = time.perf_counter() - started
            setup_cpu = meter.stop()
            acker = asyncio.create_task(ack_forever(lambda: tabs))
            for probe in probes:
                await probe.quiet()
            await asyncio.sleep(1.0)  # let the last presence batches land
            result = {'setup_s': setup_s, 'sign_ins_per_s': len(names) / setup_s, 'setup_cpu': setup_cpu,
                      'setup_worst_stall_s': max(probe.worst() for probe in probes)}
            idle = deployment.meter()
            await asyncio.sleep(args.idle_seconds)
            result['idle_cpu'] = idle.stop()  # what every part burns with nobody calling: taken off per call
            side = {tab.name: AppSide(tab) for tab in tabs}
            sides = [(side[a], side[b]) for a, b in pairs]
            gc.collect()
            gc.freeze()  # the tabs are long-lived: keep full collections of this process out of the timings
            measured_from = time.perf_counter()
            result['latency'] = await _latency(sides, args.rounds, args.warmup, args.rate, deployment)
            result['latency']['worst_stall_s'] = max(probe.worst(measured_from) for probe in probes)
            result['call_rate'] = await call_rate.measure(sides, args.rates, args.step_seconds, deployment.meter)
            for probe in probes:
                await probe.quiet()  # the last rate step may have left the processes behind
            idle_cores = result['idle_cpu']['cores']
            result['latency']['net_cpu_ms_per_call'] = net_ms_per_call(result['latency'], idle_cores)
            for step in result['call_rate']['steps']:
                step['net_cpu_ms_per_call'] = net_ms_per_call(step, idle_cores)
            if deployment.redis_url and args.redis_calls:
                result['redis'] = await redis_cost.measure(deployment.redis_url,
                                                           lambda: _full_calls(sides, args.redis_calls),
                                                           idle_seconds=2 * args.idle_seconds)
            if burst:
                result['login_burst'] = await _login_burst(tabs, burst, browsers, deployment.url, deployment, probes)
            gc.unfreeze()
            result.update(dropped_sockets=sum(tab.drops for tab in tabs), page_reloads=sum(t.reloads for t in tabs),
                          page_retries=sum(tab.retries for tab in tabs))
            for probe in probes:
                probe.stop()
    finally:
        if acker is not None:
            acker.cancel()
        await gather_limited((tab.close() for tab in tabs), 64)
        for session in browsers.values():
            await session.close()
    return result


def run_one(n: int, processes: int, args: argparse.Namespace, postgres: PostgresServer) -> dict:
    names = [f'user{number:04d}' for number in range(n)]
    # Burst users sort before everyone: rendered on every directory once online (presence_burst's worst case).
    burst = [f'a{number:04d}' for number in range(max(1, n // 10))] if n in args.burst_sizes else []
    print(f'[{NAME}] N={n}, {processes} process{"es" if processes > 1 else ""} ...', flush=True)
    deployment = None
    try:
        deployment = Deployment(processes, burst + names, postgres)
        return {'n': n, 'processes': processes, **asyncio.run(drive(deployment, names, burst, args))}
    except Exception as error:  # one size that breaks must not lose the others' results: reported, not hidden
        print(f'  failed: {type(error).__name__}: {error}', flush=True)
        return {'n': n, 'processes': processes, 'error': f'{type(error).__name__}: {str(error)[:2000]}'}
    finally:
        if deployment is not None:
            deployment.stop()


def compare(rows: list[dict]) -> list[dict]:
    """Each several-process row against the one-process row of the same N."""
    single = {row['n']: row for row in rows if row['processes'] == 1}
    comparisons = []
    for row in rows:
        one = single.get(row['n'])
        if row['processes'] == 1 or one is None:
            continue
        comparison = {'n': row['n'], 'processes': row['processes']}
        for metric in ('ring', 'accept'):
            for q in ('p50_ms', 'p99_ms'):
                comparison[f'{metric}_{q.removesuffix("_ms")}'] = ratio(dig(row, 'latency', metric, q),
                                                                        dig(one, 'latency', metric, q))
        comparison['max_rate'] = ratio(dig(row, 'call_rate', 'max_sustained_per_s'),
                                       dig(one, 'call_rate', 'max_sustained_per_s'))
        comparison['sign_ins_per_s'] = ratio(row.get('sign_ins_per_s'), one.get('sign_ins_per_s'))
        comparison['login_burst_settle'] = ratio(dig(row, 'login_burst', 'settle_s'),
                                                 dig(one, 'login_burst', 'settle_s'))
        comparisons.append(comparison)
    return comparisons


def targets(comparisons: list[dict], rows: list[dict]) -> list[dict]:
    checks = []
    for comparison in comparisons:
        if comparison['processes'] != 2:
            continue
        n = comparison['n']
        for metric in ('ring', 'accept'):
            checks.append(target(f'{metric} p99 across 2 processes / 1 process at N={n}', comparison[f'{metric}_p99'],
                                 TARGET_P99_RATIO, 'x'))
        rate = comparison['max_rate']
        checks.append({'name': f'highest sustained call rate, 2 processes / 1 at N={n}', 'measured': rate,
                       'limit': TARGET_RATE_RATIO, 'unit': 'x (at least)',
                       'met': rate is not None and math.isfinite(rate) and rate >= TARGET_RATE_RATIO, 'detail': ''})
    for row in rows:
        if row['processes'] == 2 and 'login_burst' in row:
            checks.append(target(f'login burst settles, 2 processes, N={row["n"]}', row['login_burst']['settle_s'],
                                 TARGET_BURST_S, 's'))
    return checks


def _cores(cpu: dict | None, part: str) -> float | None:
    return dig(cpu, 'cores', part)


def format_rows(rows: list[dict]) -> str:
    lines = [
        ('set-up: sign-ins (and dashboards) per s', lambda r: r.get('sign_ins_per_s')),
        ('ring p50 / p99, ms', lambda r: _pair(dig(r, 'latency', 'ring', 'p50_ms'),
                                               dig(r, 'latency', 'ring', 'p99_ms'))),
        ('accept p50 / p99, ms', lambda r: _pair(dig(r, 'latency', 'accept', 'p50_ms'),
                                                 dig(r, 'latency', 'accept', 'p99_ms'))),
        ('latency errors', lambda r: dig(r, 'latency', 'errors')),
        ('idle cores: apps / redis / clients', lambda r: '/'.join(
            _fmt(dig(r, 'idle_cpu', 'cores', part)) for part in ('apps', 'redis', 'clients'))),
        ('CPU ms per call less idle: apps / redis / clients', lambda r: '/'.join(
            _fmt(dig(r, 'latency', 'net_cpu_ms_per_call', part)) for part in ('apps', 'redis', 'clients'))),
        ('cores during calls: apps / clients / others', lambda r: '/'.join(
            _fmt(_cores(dig(r, 'latency', 'cpu'), part)) for part in ('apps', 'clients', 'others'))),
        ('max sustained calls/s (p99 <= 100 ms)', lambda r: dig(r, 'call_rate', 'max_sustained_per_s')),
        ('... CPU ms per call there, less idle: apps / redis / clients', lambda r: '/'.join(
            _fmt(dig(_best_step(r), 'net_cpu_ms_per_call', part)) for part in ('apps', 'redis', 'clients'))),
        ('Redis commands / bytes in / out per call', lambda r: '/'.join(
            _fmt(dig(r, 'redis', key)) for key in ('commands_per_call', 'bytes_in_per_call', 'bytes_out_per_call'))
            if 'redis' in r else None),
        ('login burst settle s', lambda r: dig(r, 'login_burst', 'settle_s')),
        ('dropped sockets / reloads', lambda r: _pair(r.get('dropped_sockets'), r.get('page_reloads'))),
        ('failed', lambda r: r.get('error', '')[:60] or None),
    ]
    out = []
    for n in dict.fromkeys(row['n'] for row in rows):
        at_n = [row for row in rows if row['n'] == n]
        out.append(table([f'N = {n}', *(f'{row["processes"]} process(es)' for row in at_n)],
                         [[label, *(_fmt(value(row)) if not isinstance(value(row), str) else value(row)
                                    for row in at_n)] for label, value in lines]))
    return '\n\n'.join(out)


def _best_step(row: dict) -> dict | None:
    """The call-rate step whose rate is the highest sustained one."""
    steps = [step for step in dig(row, 'call_rate', 'steps') or () if step['sustained']]
    return max(steps, key=lambda step: step['achieved_per_s'], default=None)


def _fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return '-'
    return f'{value:,.0f}' if abs(value) >= 100 else f'{value:.3g}'


def _pair(first: float | None, second: float | None) -> str:
    return f'{_fmt(first)} / {_fmt(second)}'


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[1000, 2000],
                        help='dashboards open (default 1000 2000)')
    parser.add_argument('--processes', type=int, nargs='+', default=[1, 2],
                        help='process counts, run one after the other at each size (default 1 2)')
    parser.add_argument('--active-pairs', type=int, default=50, help='pairs that call (default 50)')
    parser.add_argument('--rounds', type=int, default=6, help='latency: measured calls per pair (default 6)')
    parser.add_argument('--warmup', type=int, default=1, help='latency: unmeasured calls per pair first (default 1)')
    parser.add_argument('--rate', type=float, default=5.0, help='latency: calls per second in all (default 5)')
    parser.add_argument('--rates', type=float, nargs='+', default=list(call_rate.DEFAULT_RATES),
                        help='call rate: offered calls per second, stepped up in this order')
    parser.add_argument('--step-seconds', type=float, default=10.0, help='call rate: seconds per step (default 10)')
    parser.add_argument('--redis-calls', type=int, default=20, help='Redis: calls counted (default 20; 0: none)')
    parser.add_argument('--idle-seconds', type=float, default=5.0,
                        help="seconds of nobody calling, to take every part's idle CPU off per call (default 5)")
    parser.add_argument('--burst-sizes', type=int, nargs='*', default=[1000],
                        help='sizes at which 10 %% more users log in at once (default 1000)')
    parser.add_argument('--name', default=NAME, help=f'results file name (default {NAME})')
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (any(n < 4 for n in args.sizes) or any(p < 1 for p in args.processes) or args.active_pairs < 1
            or args.rounds < 1 or args.rate <= 0 or any(rate <= 0 for rate in args.rates) or args.step_seconds <= 0):
        parser.error('needs sizes >= 4, processes >= 1, --active-pairs >= 1, --rounds >= 1 and positive rates')
    args.active_pairs = min(args.active_pairs, min(args.sizes) // 2)
    postgres = PostgresServer()
    rows, floors = [], []
    try:
        for n in args.sizes:
            for processes in args.processes:
                rows.append(run_one(n, processes, args, postgres))
                write_result(args.name, {'params': vars(args) | {'out': None}, 'results': rows, 'targets': []},
                             args.out)  # so far: a later failure loses nothing
            if n in args.burst_sizes:
                print(f'[{NAME}] N={n}: floor of the login burst (bare NiceGUI pages, one process) ...', flush=True)
                floors.append({'n': n, 'burst': max(1, n // 10), 'bare_pages': asyncio.run(attempt(
                    presence_burst.measure_page_floor(n, max(1, n // 10), pause=1.0)))})
    finally:
        postgres.stop()
    comparisons = compare(rows)
    print(format_rows(rows))
    for floor in floors:
        print(f'login burst floor at N={floor["n"]}: {floor["burst"]} bare NiceGUI pages opened at once beside '
              f'{floor["n"]} open, all connected after {_fmt(dig(floor, "bare_pages", "all_connected_s"))} s')
    print(table(['N', 'processes', 'ring p50', 'ring p99', 'accept p50', 'accept p99', 'max rate', 'sign-ins/s',
                 'burst settle'],
                [[c['n'], c['processes'], c['ring_p50'], c['ring_p99'], c['accept_p50'], c['accept_p99'],
                  c['max_rate'], c['sign_ins_per_s'], c['login_burst_settle']]
                 for c in comparisons])
          + '\n(ratios to 1 process)')
    result = {'params': vars(args) | {'out': None}, 'results': rows, 'comparisons': comparisons,
              'login_burst_floor': floors,
              'targets': targets(comparisons, rows)}
    for check in result['targets']:
        print(f'target {check["name"]}: {_fmt(check["measured"])} (limit {check["limit"]} {check["unit"]}): '
              f'{"met" if check["met"] else "NOT met"}')
    print(f'wrote {write_result(args.name, result, args.out)}')
    return result


if __name__ == '__main__':
    main()
