"""One process against two: a sign-in burst and ring latency, with the same N users spread over 1 or 2 processes.

`python -m bench processes [--users 200] [--pairs 10] [--rings 60]` (run it niced on a shared machine:
`nice -n 10 python -m bench processes`)

1 process: `python main.py` as the README starts it (SQLite, no Redis): the default. 2 processes: tests/cluster.py,
as `python -m deploy.cluster` runs them: two `python main.py` sharing PostgreSQL and Redis (the call registry, the
sign-ins), HAProxy in front. Users are written into the database before the processes start (bcrypt at 4 rounds).
Each synthetic browser (bench/nicegui_client.py) goes to one process, user i to process i mod P: with two, through
HAProxy, with the proxy's sticky cookie naming that process.

Measured:
- sign-in burst: every user signs in through /login at once (16 at a time) and opens the dashboard; from the
  first request until the last dashboard is connected, and sign-ins per second;
- ring: then `--pairs` pairs, both people of a pair on one process, ring in turn: the caller's click to the
  callee's banner, the callee declines; `--rings` rings in all, p50 and p99.
The ratio is two processes against one (below 1: two are faster). Both run on the same machine, so two
processes also share its cores with PostgreSQL, Redis and this client.
"""
from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

import aiohttp
from yarl import URL

from tests.cluster import STICKY_COOKIE, Cluster
from tests.postgres_server import PostgresServer

from .app_process import PASSWORD, new_data_dir, start_app, stop
from .nicegui_client import HIDE, Tab, log_in, open_dashboard
from .report import gather_limited, ratio, summary_ms, table, write_result

NAME = 'processes'
SIGN_IN_CONCURRENCY = 16


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
    return aiohttp.ClientSession(cookie_jar=jar)


async def measure(url: str, routes: list[str], names: list[str], pairs: int, rings: int) -> dict:
    """Sign everyone in at once on their process (the proxy's sticky cookie `routes[i mod P]`, '' for none), then
    ring within `pairs` pairs."""
    route = {name: routes[number % len(routes)] for number, name in enumerate(names)}
    # Pair k: users 2Pk + (k mod P) and P after it, both on process k mod P.
    count = len(routes)
    callers = [names[2 * count * k + k % count] for k in range(pairs)]
    peer = {}
    for caller in callers:
        callee = names[names.index(caller) + count]
        peer[caller], peer[callee] = callee, caller
    browsers = {name: browser(url, route[name]) for name in names}
    try:
        started = time.perf_counter()

        async def arrive(name: str) -> Tab:
            cookie = await log_in(url, browsers[name], name)
            return await open_dashboard(url, browsers[name], name, cookie, search=peer.get(name, HIDE))

        tabs = dict(zip(names, await gather_limited((arrive(name) for name in names), SIGN_IN_CONCURRENCY),
                        strict=True))
        burst_s = time.perf_counter() - started
        latencies = []
        try:
            for number in range(rings):
                caller = callers[number % len(callers)]
                callee = peer[caller]
                banner = tabs[callee].expect(lambda tab: tab.has('incoming-call'))
                sent = await tabs[caller].click(f'user-{callee}')
                latencies.append(await asyncio.wait_for(banner, 30) - sent)
                ended = tabs[caller].expect(lambda tab: not tab.has('outgoing-call'))
                await tabs[callee].click('decline-call')
                await asyncio.wait_for(ended, 30)
                await tabs[callee].wait_for(lambda tab: not tab.has('incoming-call'), what='the banner gone')
        finally:
            await gather_limited((tab.close() for tab in tabs.values()), 64)
    finally:
        for session in browsers.values():
            await session.close()
    return {'sign_in_burst_s': burst_s, 'sign_ins_per_s': len(names) / burst_s, 'ring': summary_ms(latencies)}


def run_one(processes: int, users: int, pairs: int, rings: int, postgres: PostgresServer | None) -> dict:
    names = [f'user{number:04d}' for number in range(users)]
    folder = new_data_dir(f'bench-{processes}p')
    if processes == 1:
        precreate(f'sqlite:///{folder / "ringboard.db"}', names)
        app = start_app(folder)
        try:
            return asyncio.run(measure(app.url, [''], names, pairs, rings))
        finally:
            stop(app, folder)
    database = postgres.new_database()
    precreate(database, names)
    cluster = Cluster(folder, database, processes)
    try:
        routes = [cluster.sticky_cookie(number)['value'] for number in range(processes)]
        return asyncio.run(measure(cluster.url, routes, names, pairs, rings))
    finally:
        cluster.stop()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--users', type=int, default=200, help='users signing in at once (default 200)')
    parser.add_argument('--pairs', type=int, default=10, help='pairs that ring (default 10)')
    parser.add_argument('--rings', type=int, default=60, help='rings in all (default 60)')
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.users < 4 * args.pairs or args.pairs < 1 or args.rings < 1:
        parser.error('needs --pairs >= 1, --rings >= 1 and --users >= 4 x --pairs')
    postgres = PostgresServer()
    try:
        rows = {processes: run_one(processes, args.users, args.pairs, args.rings, postgres) for processes in (1, 2)}
    finally:
        postgres.stop()
    one, two = rows[1], rows[2]
    lines = [('sign-in burst, s', one['sign_in_burst_s'], two['sign_in_burst_s'],
              ratio(two['sign_in_burst_s'], one['sign_in_burst_s'])),
             ('ring p50, ms', one['ring']['p50_ms'], two['ring']['p50_ms'],
              ratio(two['ring']['p50_ms'], one['ring']['p50_ms'])),
             ('ring p99, ms', one['ring']['p99_ms'], two['ring']['p99_ms'],
              ratio(two['ring']['p99_ms'], one['ring']['p99_ms']))]
    print(table([f'N = {args.users}', '1 process', '2 processes', '2 / 1'], lines))
    result = {'params': vars(args) | {'out': None}, 'results': [{'processes': p, **row} for p, row in rows.items()],
              'targets': []}
    print(f'wrote {write_result(NAME, result, args.out)}')
    return result


if __name__ == '__main__':
    main()
