"""Call set-up time: the callee's accept click to the first decoded remote video frame, on each side (and, for
voice calls, to the first remote audio).

`python -m bench call_setup [--calls 20]`

Two headless Chromium contexts (Debian Chromium, fake camera and microphone, loopback) register alice and
bob on a fresh `python main.py`; then, call after call, alice clicks `call-bob`, bob clicks `accept-call`
`--answer-after` seconds after his banner shows (default 1 s: a person reads it first, and the app connects
the call while it rings; 0 clicks at once, while the browsers are still starting it), and each page reports
the first frame of its `remote-video` (requestVideoFrameCallback; wherever the page shows it: with instant answer
in the ringing card, before the call view is built), read from the pages' own clock. The callee's
frame (alice's video on bob's page), the caller's (bob's on alice's) and the later of the two are reported,
median and p95 of `--calls` calls (after one warm-up call, which also loads the media component). Then alice
hangs up and both wait until the call view is gone. The app runs with INSTANT_ANSWER on (connected while it
rings) and off (negotiated after the accept).

Floors, the same two contexts on bench/static/call_floor.html signaling through the bare relay: getUserMedia
and one RTCPeerConnection after the accept, with the same negotiation as the app; and, with `?preconnect=1`,
the same pair connected while it rings as instant answer does (the limit of that design on this machine).

What pre-connecting costs while it rings: the app rings for `--ring-for` s with one and with two tabs of the
callee open, with INSTANT_ANSWER on and off; the CPU seconds of every browser process and the bytes the
caller sent and the callee's tabs received meanwhile.

Voice calls are reported beside them, with the app as it runs by default (instant answer): alice clicks
`voice-call-bob`, and each page reports the first poll (every 10 ms) at which its `remote-video` plays the peer's
audio and audio packets keep arriving (getStats inbound-rtp audio). No floor and no target: the video call stays
the one measured against the floors.
"""
from __future__ import annotations

import argparse
import asyncio
import os
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
TARGET_CALLEE_MS = 50  # the callee sees the caller at once
TARGET_AFTER_ACCEPT_RATIO = 0.6  # each side, against the floor that negotiates after the accept
TARGET_PRECONNECT_RATIO = 1.2  # each side, against the floor that pre-connects too
FRAME_TIMEOUT_MS = 10000
PASSWORD = 'correct horse battery'
SIDES = ('callee', 'caller', 'both')
# Bytes the page's peer connections sent as RTP and received, over all of them.
RTP_BYTES = '''async () => {
  const total = {sent: 0, received: 0};
  for (const pc of window.__peerConnections) {
    if (pc.connectionState === "closed") continue;
    (await pc.getStats()).forEach((r) => {
      if (r.type === "outbound-rtp") total.sent += r.bytesSent || 0;
      if (r.type === "inbound-rtp") total.received += r.bytesReceived || 0;
    });
  }
  return total;
}'''


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


async def _one_call(caller: Any, callee: Any, call_button: str, answer_after: float,
                    watch: str = '__watchRemoteFrame') -> dict[str, Any]:
    """Ring, accept, wait for the first remote media on both sides (`watch`: a frame, or `__watchRemoteAudio`), hang
    up; times in seconds (or a `failure`)."""
    from playwright.async_api import expect

    await caller.get_by_test_id(call_button).click()
    accept = callee.get_by_test_id('accept-call')
    await accept.wait_for(state='visible', timeout=30000)
    await asyncio.sleep(answer_after)
    for page in (caller, callee):
        await page.evaluate(f'ms => window.{watch}(ms)', FRAME_TIMEOUT_MS)
    await accept.click()
    caller_frame, callee_frame = await asyncio.gather(*(_frame_at(page) for page in (caller, callee)))
    accepted = await callee.evaluate('window.__bench.acceptAt')
    failure = None
    if caller_frame is None or callee_frame is None or accepted is None:
        caller_log, callee_log = [await page.evaluate(PEER_REPORT) for page in (caller, callee)]
        failure = (f'no remote media within {FRAME_TIMEOUT_MS} ms\ncaller peer connection:\n{caller_log}\n'
                   f'callee peer connection:\n{callee_log}')
    else:  # with instant answer the frames come before the call views (the reveal is the browser's): wait for them
        for page in (caller, callee):
            await page.wait_for_function('window.__bench.viewAt !== null', timeout=30000)
        await caller.get_by_test_id('hang-up').click()
    marks = [await page.evaluate('window.__bench') for page in (caller, callee)]
    if failure and await caller.get_by_test_id('hang-up').count():
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
                 answer_after: float, watch: str = '__watchRemoteFrame') -> dict:
    times: list[dict[str, float]] = []
    failures: list[str] = []
    for k in range(warmup + calls):
        result = await _one_call(caller, callee, call_button, answer_after, watch)
        if 'failure' in result:
            failures.append(result['failure'])
        elif k >= warmup:
            times.append(result)
        await asyncio.sleep(pause)  # between calls (the app then stores the call and refreshes both histories)
    if not times:
        raise RuntimeError(f'no call showed video or played audio: {failures[:3]}')
    both = [t['both'] for t in times]
    return {'median_ms': statistics.median(both) * 1000, 'both': summary_ms(both),
            'view_median_ms': statistics.median(t['view'] for t in times) * 1000,
            'track_median_ms': statistics.median(t['track'] for t in times) * 1000,
            'caller': summary_ms([t['caller'] for t in times]), 'callee': summary_ms([t['callee'] for t in times]),
            'samples_ms': [round(value * 1000, 1) for value in both], 'failed_calls': len(failures),
            'failures': failures[:5]}


def _browser_cpu_seconds(server_pid: int) -> float:
    """CPU seconds used so far by this benchmark's descendant processes (the browsers), the server's excepted."""
    from .app_process import cpu_seconds

    parents: dict[int, int] = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                stat = Path(f'/proc/{entry}/stat').read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat[stat.rindex(')') + 2:].split()[1])

    def below(pid: int, root: int) -> bool:
        while pid > 1:
            if pid == root:
                return True
            pid = parents.get(pid, 0)
        return False

    total = 0.0
    for pid in parents:
        if below(pid, os.getpid()) and pid != os.getpid() and not below(pid, server_pid):
            try:
                total += cpu_seconds(pid)
            except OSError:
                pass  # gone meanwhile
    return total


async def _ringing_cost(browser: Any, server: Any, contexts: list[Any], caller: Any, callee: Any,
                        ring_for: float) -> dict[str, dict[str, float]]:
    """CPU and bytes of `ring_for` s of ringing, with one and with two tabs of the callee open."""
    from playwright.async_api import expect

    costs = {}
    for tabs in (1, 2):
        pages = [callee] + [await contexts[1].new_page() for _ in range(tabs - 1)]
        for page in pages[1:]:
            await page.goto(server.url)
            await page.get_by_test_id('me').wait_for(timeout=30000)
        await asyncio.sleep(1)
        await caller.get_by_test_id('call-bob').click()
        for page in pages:
            await page.get_by_test_id('accept-call').wait_for(state='visible', timeout=30000)
        cpu = _browser_cpu_seconds(server.process.pid)
        await asyncio.sleep(ring_for)
        cpu = _browser_cpu_seconds(server.process.pid) - cpu
        sent = (await caller.evaluate(RTP_BYTES))['sent']
        received = sum([(await page.evaluate(RTP_BYTES))['received'] for page in pages])
        await caller.get_by_test_id('cancel-call').click()
        for page in pages:
            await expect(page.get_by_test_id('incoming-call')).to_have_count(0, timeout=30000)
        for page in pages[1:]:
            await page.close()
        costs[f'{tabs}_tab'] = {'browser_cpu_share': cpu / ring_for, 'caller_sent_kbit_s': sent * 8 / 1000 / ring_for,
                                'callee_received_kbit_s': received * 8 / 1000 / ring_for}
        await asyncio.sleep(1)
    return costs


async def measure_app(browser: Any, calls: int, warmup: int, pause: float, answer_after: float,
                      tuning: str = 'on', instant: str = 'on', ring_for: float = 0) -> dict:
    data_dir = new_data_dir('call')
    server = None
    failed = True
    try:
        server = start_app(data_dir, NICEGUI_TUNING=tuning, INSTANT_ANSWER=instant)
        contexts = [await browser.new_context() for _ in range(2)]
        for context in contexts:
            await context.add_init_script(PEER_RECORDER)
            await context.add_init_script(CALL_TIMING)
        alice, bob = [await context.new_page() for context in contexts]
        await _register(alice, server.url, 'alice')
        await _register(bob, server.url, 'bob')
        await alice.get_by_test_id('status-bob').filter(has_text='online').wait_for(timeout=30000)
        result = await _calls(alice, bob, 'call-bob', calls, warmup, pause, answer_after)
        if instant == 'on':
            result['voice'] = await _calls(alice, bob, 'voice-call-bob', calls, warmup, pause, answer_after,
                                           '__watchRemoteAudio')
        if ring_for:
            result['ringing'] = await _ringing_cost(browser, server, contexts, alice, bob, ring_for)
        for context in contexts:
            await context.close()
        failed = False
        return result
    finally:
        if failed and server is not None:
            print(f'server log kept in {server.log_path}', file=sys.stderr)
        stop(server, data_dir, keep=failed)


async def measure_floor(browser: Any, calls: int, warmup: int, pause: float, answer_after: float,
                        preconnect: bool = False) -> dict:
    relay = start_relay()
    try:
        contexts = [await browser.new_context() for _ in range(2)]
        for context in contexts:
            await context.add_init_script(PEER_RECORDER)
            await context.add_init_script(CALL_TIMING)
        alice, bob = [await context.new_page() for context in contexts]
        query = '&preconnect=1' if preconnect else ''
        await alice.goto(f'{relay.url}/?me=alice&peer=bob{query}')
        await bob.goto(f'{relay.url}/?me=bob&peer=alice{query}')
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
                  progress: Callable[[str], None] = print, tuning: str = 'on', ring_for: float = 5.0) -> dict:
    runs = {}
    async with chromium() as browser:
        for instant in ('on', 'off'):
            voice = f' and {calls} voice calls' if instant == 'on' else ''
            progress(f'[{NAME}] app, INSTANT_ANSWER={instant}: {calls} video{voice} calls, each answered '
                     f'{answer_after:g} s after the banner shows ...')
            runs[f'app_instant_{instant}'] = await measure_app(browser, calls, warmup, pause, answer_after, tuning,
                                                               instant, ring_for)
        progress(f'[{NAME}] floor: getUserMedia + RTCPeerConnection after the accept, over the bare relay ...')
        runs['floor'] = await measure_floor(browser, calls, warmup, pause, answer_after)
        progress(f'[{NAME}] floor: the same pair pre-connected while it rings ...')
        runs['floor_preconnect'] = await measure_floor(browser, calls, warmup, pause, answer_after, preconnect=True)
    app, floor, early = runs['app_instant_on'], runs['floor'], runs['floor_preconnect']
    runs['ratios'] = {side: {'after_accept_floor': ratio(app[side]['p50_ms'], floor[side]['p50_ms']),
                             'preconnect_floor': ratio(app[side]['p50_ms'], early[side]['p50_ms'])}
                      for side in SIDES}
    # kept under their earlier names: the app as it runs by default against the after-accept floor
    runs.update(app=app, ratio_median=ratio(app['median_ms'], floor['median_ms']))
    return runs


RUNS = (('app, instant answer', 'app_instant_on'), ('app, INSTANT_ANSWER=off', 'app_instant_off'),
        ('floor, after the accept', 'floor'), ('floor, pre-connected', 'floor_preconnect'))


def format_result(result: dict) -> str:
    rows = [[name, *(result[key][side][stat] for side in SIDES for stat in ('p50_ms', 'p95_ms')),
             result[key]['both']['count'], result[key]['failed_calls']] for name, key in RUNS]
    rows += [[f'ratio to {floor}', *(value for side in SIDES for value in (result['ratios'][side][key], None)),
              None, None] for floor, key in (('floor after accept', 'after_accept_floor'),
                                            ('pre-connected floor', 'preconnect_floor'))]
    text = 'accept click -> first decoded remote frame (ms): on the callee\'s page, the caller\'s, the later\n' + table(
        ['', 'callee p50', 'callee p95', 'caller p50', 'caller p95', 'both p50', 'both p95', 'calls', 'failed'], rows)
    voice = result['app_instant_on']['voice']
    text += '\n\nvoice calls, instant answer: accept click -> first remote audio (ms)\n' + table(
        ['', 'callee p50', 'callee p95', 'caller p50', 'caller p95', 'both p50', 'both p95', 'calls', 'failed'],
        [['app', *(voice[side][stat] for side in SIDES for stat in ('p50_ms', 'p95_ms')), voice['both']['count'],
          voice['failed_calls']]])
    costs = [[f'{key.removeprefix("app_instant_")}, {tabs.replace("_", " ")}', cost['browser_cpu_share'],
              cost['caller_sent_kbit_s'], cost['callee_received_kbit_s']]
             for key in ('app_instant_on', 'app_instant_off') if 'ringing' in result[key]
             for tabs, cost in result[key]['ringing'].items()]
    if costs:
        text += '\n\nwhile it rings (INSTANT_ANSWER, callee tabs open)\n' + table(
            ['', 'browsers CPU (cores)', 'caller sent kbit/s', 'callee received kbit/s'], costs)
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--calls', type=int, default=20, help='measured calls (default 20)')
    parser.add_argument('--warmup', type=int, default=1, help='unmeasured calls first (default 1)')
    parser.add_argument('--pause', type=float, default=0.3, help='s between calls (default 0.3)')
    parser.add_argument('--answer-after', type=float, default=1.0,
                        help='s from the banner to the accept click (default 1: a person reads it first)')
    parser.add_argument('--ring-for', type=float, default=5.0,
                        help='s of ringing measured for its cost (default 5; 0: not measured)')
    parser.add_argument('--name', default=NAME, help=f'results file name (default {NAME})')
    tuning_option(parser)
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.calls < 1 or args.warmup < 0:
        parser.error('--calls must be at least 1')
    if args.answer_after < 0 or args.ring_for < 0:
        parser.error('--answer-after and --ring-for cannot be negative')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    measured = asyncio.run(measure(args.calls, args.warmup, args.pause, args.answer_after, tuning=args.tuning,
                                   ring_for=args.ring_for))
    app, ratios = measured['app_instant_on'], measured['ratios']
    targets = [target("callee's first frame, median", app['callee']['p50_ms'], TARGET_CALLEE_MS, 'ms')]
    for side in ('callee', 'caller'):
        targets += [target(f'{side} median / after-accept floor', ratios[side]['after_accept_floor'],
                           TARGET_AFTER_ACCEPT_RATIO, 'x'),
                    target(f'{side} median / pre-connected floor', ratios[side]['preconnect_floor'],
                           TARGET_PRECONNECT_RATIO, 'x')]
    result = {'params': {'calls': args.calls, 'warmup': args.warmup, 'pause_s': args.pause,
                         'answer_after_s': args.answer_after, 'ring_for_s': args.ring_for, 'tuning': args.tuning},
              **measured, 'targets': targets}
    print(format_result(measured))
    path = write_result(args.name, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
