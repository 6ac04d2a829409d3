"""Call set-up time: the callee's accept click to the first decoded remote video frame on both sides.

`python -m bench call_setup [--calls 20]`

Two headless Chromium contexts (Debian Chromium, fake camera and microphone, loopback) register alice and
bob on a fresh `python main.py`; then, call after call, alice clicks `call-bob`, bob clicks `accept-call`
`--answer-after` seconds after his banner shows (default 1 s: a person reads it first, and the app prepares
the caller's camera and offer while it rings; 0 clicks at once, while the caller's browser is still starting
them), and each page reports the first frame of its `remote-video` (requestVideoFrameCallback). The set-up time
is the later of the two frames minus the click, both read from the pages' own clock. Then alice hangs up
and both wait until the call view is gone. The median of `--calls` calls is reported (after one warm-up
call, which also loads the WebRTC component).

Floor: the same two contexts on bench/static/call_floor.html, which does only getUserMedia and one
RTCPeerConnection with the same negotiation as the app, signaling through the bare relay.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.browser import PEER_RECORDER, PEER_REPORT

from .app_process import new_data_dir, start_app, stop, tuning_option
from .chromium import CALL_TIMING, chromium
from .relay_floor import start_relay
from .report import ratio, summary_ms, table, target, write_result

NAME = 'call_setup'
TARGET_FLOOR_RATIO = 1.5
FRAME_TIMEOUT_MS = 10000
PASSWORD = 'correct horse battery'


async def _register(page: Any, base_url: str, username: str) -> None:
    await page.goto(f'{base_url}/register')
    await page.get_by_test_id('register-username').fill(username)
    await page.get_by_test_id('register-password').fill(PASSWORD)
    await page.get_by_test_id('register-password-confirm').fill(PASSWORD)
    await page.get_by_test_id('register-submit').click()
    await page.get_by_test_id('me').filter(has_text=username).wait_for(timeout=30000)


async def _frame_at(page: Any) -> float | None:
    """The page's first remote frame time once its watcher has an answer (short reads, never a pending one)."""
    while True:
        at = await page.evaluate('window.__bench.frameAt')
        if at is not None or await page.evaluate('window.__bench.frameAt === null'):
            return at
        await asyncio.sleep(0.05)


async def _one_call(caller: Any, callee: Any, call_button: str, answer_after: float) -> dict[str, Any]:
    """Ring, accept, wait for a remote frame on both sides, hang up; times in seconds (or a `failure`)."""
    from playwright.async_api import expect

    await caller.get_by_test_id(call_button).click()
    accept = callee.get_by_test_id('accept-call')
    await accept.wait_for(state='visible', timeout=30000)
    await asyncio.sleep(answer_after)
    for page in (caller, callee):
        await page.evaluate('ms => window.__watchRemoteFrame(ms)', FRAME_TIMEOUT_MS)
    await accept.click()
    caller_frame, callee_frame = await asyncio.gather(*(_frame_at(page) for page in (caller, callee)))
    accepted = await callee.evaluate('window.__bench.acceptAt')
    marks = [await page.evaluate('window.__bench') for page in (caller, callee)]
    failure = None
    if caller_frame is None or callee_frame is None or accepted is None:
        caller_log, callee_log = [await page.evaluate(PEER_REPORT) for page in (caller, callee)]
        failure = (f'no remote frame within {FRAME_TIMEOUT_MS} ms\ncaller peer connection:\n{caller_log}\n'
                   f'callee peer connection:\n{callee_log}')
    if await caller.get_by_test_id('hang-up').count():
        await caller.get_by_test_id('hang-up').click()
    for page in (caller, callee):
        await expect(page.get_by_test_id('call-view')).to_have_count(0, timeout=30000)
    if failure:
        return {'failure': failure}
    def later(key: str) -> float:
        values = [mark[key] for mark in marks]
        return (max(values) - accepted) / 1000 if all(value is not None for value in values) else float('nan')

    return {'both': (max(caller_frame, callee_frame) - accepted) / 1000,
            'caller': (caller_frame - accepted) / 1000, 'callee': (callee_frame - accepted) / 1000,
            'view': later('viewAt'), 'track': later('trackAt')}


async def _calls(caller: Any, callee: Any, call_button: str, calls: int, warmup: int, pause: float,
                 answer_after: float) -> dict:
    times: list[dict[str, float]] = []
    failures: list[str] = []
    for k in range(warmup + calls):
        result = await _one_call(caller, callee, call_button, answer_after)
        if 'failure' in result:
            failures.append(result['failure'])
        elif k >= warmup:
            times.append(result)
        await asyncio.sleep(pause)  # between calls (the app then stores the call and refreshes both histories)
    if not times:
        raise RuntimeError(f'no call showed video: {failures[:3]}')
    both = [t['both'] for t in times]
    return {'median_ms': statistics.median(both) * 1000, 'both': summary_ms(both),
            'view_median_ms': statistics.median(t['view'] for t in times) * 1000,
            'track_median_ms': statistics.median(t['track'] for t in times) * 1000,
            'caller': summary_ms([t['caller'] for t in times]), 'callee': summary_ms([t['callee'] for t in times]),
            'samples_ms': [round(value * 1000, 1) for value in both], 'failed_calls': len(failures),
            'failures': failures[:5]}


async def measure_app(browser: Any, calls: int, warmup: int, pause: float, answer_after: float,
                      tuning: str = 'on') -> dict:
    data_dir = new_data_dir('call')
    server = None
    failed = True
    try:
        server = start_app(data_dir, NICEGUI_TUNING=tuning)
        contexts = [await browser.new_context() for _ in range(2)]
        for context in contexts:
            await context.add_init_script(PEER_RECORDER)
            await context.add_init_script(CALL_TIMING)
        alice, bob = [await context.new_page() for context in contexts]
        await _register(alice, server.url, 'alice')
        await _register(bob, server.url, 'bob')
        await alice.get_by_test_id('status-bob').filter(has_text='online').wait_for(timeout=30000)
        result = await _calls(alice, bob, 'call-bob', calls, warmup, pause, answer_after)
        for context in contexts:
            await context.close()
        failed = False
        return result
    finally:
        if failed and server is not None:
            print(f'server log kept in {server.log_path}', file=sys.stderr)
        stop(server, data_dir, keep=failed)


async def measure_floor(browser: Any, calls: int, warmup: int, pause: float, answer_after: float) -> dict:
    relay = start_relay()
    try:
        contexts = [await browser.new_context() for _ in range(2)]
        for context in contexts:
            await context.add_init_script(PEER_RECORDER)
            await context.add_init_script(CALL_TIMING)
        alice, bob = [await context.new_page() for context in contexts]
        await alice.goto(f'{relay.url}/?me=alice&peer=bob')
        await bob.goto(f'{relay.url}/?me=bob&peer=alice')
        for page in (alice, bob):
            await page.wait_for_function('window.io && document.readyState === "complete"')
        await asyncio.sleep(0.5)  # both sockets connected
        result = await _calls(alice, bob, 'call-peer', calls, warmup, pause, answer_after)
        for context in contexts:
            await context.close()
        return result
    finally:
        stop(relay, relay.data_dir)


async def measure(calls: int, warmup: int, pause: float, answer_after: float,
                  progress: Callable[[str], None] = print, tuning: str = 'on') -> dict:
    async with chromium() as browser:
        progress(f'[{NAME}] app: {calls} calls, each answered {answer_after:g} s after the banner shows ...')
        app = await measure_app(browser, calls, warmup, pause, answer_after, tuning)
        progress(f'[{NAME}] floor (getUserMedia + RTCPeerConnection over the bare relay) ...')
        floor = await measure_floor(browser, calls, warmup, pause, answer_after)
    return {'app': app, 'floor': floor, 'ratio_median': ratio(app['median_ms'], floor['median_ms'])}


def format_result(result: dict) -> str:
    app, floor = result['app'], result['floor']
    return ('accept click -> first decoded remote frame on both sides (ms)\n' + table(
        ['', 'median', 'p95', 'max', 'caller median', 'callee median', 'view shown', 'track attached', 'calls',
         'failed'],
        [[name, side['median_ms'], side['both']['p95_ms'], side['both']['max_ms'], side['caller']['p50_ms'],
          side['callee']['p50_ms'], side['view_median_ms'], side['track_median_ms'], side['both']['count'],
          side['failed_calls']] for name, side in (('app', app), ('floor', floor))]
        + [['ratio', result['ratio_median'], None, None, None, None, None, None, None, None]])
        + '\nview shown / track attached: medians of the later side, from the accept click')


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=20, help='measured calls (default 20)')
    parser.add_argument('--warmup', type=int, default=1, help='unmeasured calls first (default 1)')
    parser.add_argument('--pause', type=float, default=0.3, help='s between calls (default 0.3)')
    parser.add_argument('--answer-after', type=float, default=1.0,
                        help='s from the banner to the accept click (default 1: a person reads it first)')
    parser.add_argument('--name', default=NAME, help=f'results file name (default {NAME})')
    tuning_option(parser)
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.calls < 1 or args.warmup < 0:
        parser.error('--calls must be at least 1')
    if args.answer_after < 0:
        parser.error('--answer-after cannot be negative')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    measured = asyncio.run(measure(args.calls, args.warmup, args.pause, args.answer_after, tuning=args.tuning))
    result = {'params': {'calls': args.calls, 'warmup': args.warmup, 'pause_s': args.pause,
                         'answer_after_s': args.answer_after, 'tuning': args.tuning}, **measured,
              'targets': [target('median set-up / floor median', measured['ratio_median'], TARGET_FLOOR_RATIO, 'x')]}
    print(format_result(measured))
    path = write_result(args.name, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
