"""Page load: from navigation to an interactive dashboard, with 500 users in the directory.

`python -m bench page_load [--users 500] [--loads 20]`

A fresh `python main.py` with `--users` accounts (written before start-up, bcrypt at 4 rounds); one of them
signs in through /login in headless Chromium. Then `--loads` times a new tab opens `/` and the page itself
records when it became interactive: the `me` element visible and NiceGUI's socket connected and handshaken
(`window.did_handshake`), in ms since the navigation started (`performance.now()`). The navigation timing
(first byte, DOMContentLoaded) is recorded as a breakdown. One warm-up load first (browser cache).

Floor: the same loads of a bare NiceGUI page with one label (bench/bare_page.py), served the same way.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .app_process import PASSWORD, new_data_dir, precreate_users, start_app, start_bare_page, stop, tuning_option
from .chromium import INTERACTIVE_TIMING, chromium
from .report import ratio, summary_ms, table, write_result

NAME = 'page_load'
NAVIGATION = '''() => {
  const [entry] = performance.getEntriesByType("navigation");
  return entry ? { ttfb: entry.responseStart, dcl: entry.domContentLoadedEventEnd, bytes: entry.transferSize } : {};
}'''


async def _loads(context: Any, url: str, loads: int, warmup: int) -> dict:
    interactive, ttfb, dcl, sizes = [], [], [], []
    for k in range(warmup + loads):
        page = await context.new_page()
        await page.goto(url, wait_until='commit')
        await page.wait_for_function('window.__interactiveAt !== undefined', timeout=60000)
        at = await page.evaluate('window.__interactiveAt')
        navigation = await page.evaluate(NAVIGATION)
        await page.close()
        if k >= warmup:
            interactive.append(at / 1000)
            ttfb.append(navigation.get('ttfb', float('nan')) / 1000)
            dcl.append(navigation.get('dcl', float('nan')) / 1000)
            sizes.append(navigation.get('bytes', 0))
        await asyncio.sleep(0.2)
    return {'median_ms': statistics.median(interactive) * 1000, 'interactive': summary_ms(interactive),
            'ttfb_median_ms': statistics.median(ttfb) * 1000, 'dcl_median_ms': statistics.median(dcl) * 1000,
            'html_bytes': statistics.median(sizes)}


async def measure_app(browser: Any, users: int, loads: int, warmup: int, tuning: str = 'on') -> dict:
    names = [f'u{i:04d}' for i in range(users)]
    data_dir = new_data_dir('pageload')
    server = None
    failed = True
    try:
        precreate_users(data_dir, names)
        server = start_app(data_dir, NICEGUI_TUNING=tuning)
        context = await browser.new_context()
        await context.add_init_script(INTERACTIVE_TIMING)
        page = await context.new_page()
        await page.goto(f'{server.url}/login')
        await page.get_by_test_id('login-username').fill(names[0])
        await page.get_by_test_id('login-password').fill(PASSWORD)
        await page.get_by_test_id('login-submit').click()
        await page.get_by_test_id('me').filter(has_text=names[0]).wait_for(timeout=30000)
        rows = await page.locator('[data-testid^="user-"]').count()
        await page.close()
        result = await _loads(context, f'{server.url}/', loads, warmup)
        result['directory_rows'] = rows
        await context.close()
        failed = False
        return result
    finally:
        if failed and server is not None:
            print(f'server log kept in {server.log_path}', file=sys.stderr)
        stop(server, data_dir, keep=failed)


async def measure_floor(browser: Any, loads: int, warmup: int) -> dict:
    server = start_bare_page()
    try:
        context = await browser.new_context()
        await context.add_init_script(INTERACTIVE_TIMING)
        result = await _loads(context, f'{server.url}/', loads, warmup)
        await context.close()
        return result
    finally:
        stop(server, server.data_dir)


async def measure(users: int, loads: int, warmup: int, progress: Callable[[str], None] = print,
                  tuning: str = 'on') -> dict:
    async with chromium() as browser:
        progress(f'[{NAME}] app with {users} users: {loads} loads ...')
        app = await measure_app(browser, users, loads, warmup, tuning)
        progress(f'[{NAME}] floor (bare NiceGUI page) ...')
        floor = await measure_floor(browser, loads, warmup)
    return {'app': app, 'floor': floor, 'ratio_median': ratio(app['median_ms'], floor['median_ms'])}


def format_result(result: dict) -> str:
    app, floor = result['app'], result['floor']
    return ('navigation -> `me` visible and the socket connected (ms)\n' + table(
        ['', 'median', 'p95', 'first byte', 'DOMContentLoaded', 'HTML KB', 'loads'],
        [[name, side['median_ms'], side['interactive']['p95_ms'], side['ttfb_median_ms'], side['dcl_median_ms'],
          side['html_bytes'] / 1024, side['interactive']['count']] for name, side in (('app', app), ('floor', floor))]
        + [['ratio', result['ratio_median'], None, None, None, None, None]]))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--users', type=int, default=500, help='accounts in the directory (default 500)')
    parser.add_argument('--loads', type=int, default=20, help='measured page loads (default 20)')
    parser.add_argument('--warmup', type=int, default=1, help='unmeasured loads first (default 1)')
    tuning_option(parser)
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.users < 1 or args.loads < 1 or args.warmup < 0:
        parser.error('--users and --loads must be at least 1')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    measured = asyncio.run(measure(args.users, args.loads, args.warmup, tuning=args.tuning))
    result = {'params': {'users': args.users, 'loads': args.loads, 'warmup': args.warmup, 'tuning': args.tuning},
              **measured, 'targets': []}
    print(format_result(measured))
    path = write_result(NAME, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
