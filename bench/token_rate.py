"""Tokens per second: the Agora token builders, parser and verifier of the `tokens` package.

`python -m bench tokens [--seconds 0.5]`

Floor: Agora's reference implementation, the `agoraiotools` package, measured side by side when it is
importable (`pip install agoraiotools`; it is never a requirement of this project). Without it only this
package's rates are reported.
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tokens import build_rtc_token, build_rtc_token_006, build_rtm_token, build_rtm_token_006, parse_token, verify_token

from .report import write_result

NAME = 'tokens'
APP_ID = '970CA35de60c44645bbae8a215061b33'
CERT = '5CFd2fd1755d40ecb72977518be15d3b'
CHANNEL = '7d72365eb983485397e3e3f9d460bdda'
UID = 2882341273
USER = 'test_user'
EXPIRE = 3600
ROUNDS = 5


@dataclass
class Result:
    operation: str
    ours_per_s: float
    reference_per_s: float | None
    ratio: float | None  # ours / reference: above 1 means this package is faster


def _timed(fn: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - start


def measure(fn: Callable[[], Any], seconds: float) -> float:
    """Calls per second of `fn`: the best of batches of about 10 ms over `seconds` of wall time.

    The best batch, as `timeit` advises: on a shared machine other work only ever slows a batch down."""
    fn()  # warm up (imports, caches) outside the timed part
    number = 1
    while _timed(fn, number) < 0.01:
        number *= 2
    best, deadline = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < deadline or not best:
        best = max(best, number / _timed(fn, number))
    return best


def our_operations() -> dict[str, Callable[[], Any]]:
    expire_ts = int(time.time()) + EXPIRE
    token_007 = build_rtc_token(APP_ID, CERT, CHANNEL, UID)
    token_006 = build_rtc_token_006(APP_ID, CERT, CHANNEL, UID, privilege_expire_ts=expire_ts)
    return {
        'build_rtc_token (007)': lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, expire=EXPIRE),
        'build_rtm_token (007)': lambda: build_rtm_token(APP_ID, CERT, USER, expire=EXPIRE),
        'build_rtc_token_006': lambda: build_rtc_token_006(APP_ID, CERT, CHANNEL, UID, privilege_expire_ts=expire_ts),
        'build_rtm_token_006': lambda: build_rtm_token_006(APP_ID, CERT, USER, privilege_expire_ts=expire_ts),
        'parse_token (007)': lambda: parse_token(token_007),
        'parse_token (006)': lambda: parse_token(token_006),
        'verify_token (007)': lambda: verify_token(token_007, CERT),
        'verify_token (006)': lambda: verify_token(token_006, CERT, channel=CHANNEL, account=UID),
    }


def reference_operations() -> tuple[str | None, dict[str, Callable[[], Any]]]:
    """(version, operations) of agoraiotools, or (None, {}) when it is not importable."""
    # Imported here, not at the top: it is an optional comparison, never a dependency.
    try:
        import agoraiotools
        from agoraiotools.AccessToken import AccessToken as AccessToken006
        from agoraiotools.AccessToken2 import AccessToken as AccessToken007
        from agoraiotools.RtcTokenBuilder import RtcTokenBuilder as Rtc006
        from agoraiotools.RtcTokenBuilder2 import RtcTokenBuilder as Rtc007
        from agoraiotools.RtmTokenBuilder import RtmTokenBuilder as Rtm006
        from agoraiotools.RtmTokenBuilder2 import RtmTokenBuilder as Rtm007
    except ImportError:
        return None, {}
    publisher = 1  # Role_Publisher in both reference generations
    rtm_user_role = 1  # Role_Rtm_User
    expire_ts = int(time.time()) + EXPIRE
    token_007 = build_rtc_token(APP_ID, CERT, CHANNEL, UID)
    token_006 = build_rtc_token_006(APP_ID, CERT, CHANNEL, UID, privilege_expire_ts=expire_ts)
    operations = {
        'build_rtc_token (007)': lambda: Rtc007.build_token_with_uid(
            APP_ID, CERT, CHANNEL, UID, publisher, EXPIRE, EXPIRE
        ),
        'build_rtm_token (007)': lambda: Rtm007.build_token(APP_ID, CERT, USER, EXPIRE),
        'build_rtc_token_006': lambda: Rtc006.buildTokenWithUid(APP_ID, CERT, CHANNEL, UID, publisher, expire_ts),
        'build_rtm_token_006': lambda: Rtm006.buildToken(APP_ID, CERT, USER, rtm_user_role, expire_ts),
        'parse_token (007)': lambda: AccessToken007().from_string(token_007),
        'parse_token (006)': lambda: AccessToken006().fromString(token_006),
        # The reference has no verifier, so verify_token has nothing to compare with.
    }
    return getattr(agoraiotools, '__version__', 'unknown'), operations


def run(seconds: float, rounds: int = ROUNDS) -> tuple[str | None, list[Result]]:
    ours = our_operations()
    version, reference = reference_operations()
    results = []
    for name, fn in ours.items():
        ours_rate = ref_rate = 0.0
        # Interleaved rounds, best of each side: on a shared machine other work only ever slows a round down.
        for _ in range(rounds):
            ours_rate = max(ours_rate, measure(fn, seconds / rounds))
            if name in reference:
                ref_rate = max(ref_rate, measure(reference[name], seconds / rounds))
        ratio = ours_rate / ref_rate if ref_rate else None
        results.append(Result(name, ours_rate, ref_rate or None, ratio))
    return version, results


def format_table(version: str | None, results: list[Result]) -> str:
    ref_title = f'agoraiotools {version}/s' if version else 'reference/s'
    header = f"{'operation':<24} {'tokens/s':>12} {ref_title:>24} {'ratio':>7}"
    lines = [header, '-' * len(header)]
    for r in results:
        ref = f'{r.reference_per_s:,.0f}' if r.reference_per_s is not None else '-'
        ratio = f'{r.ratio:.2f}x' if r.ratio is not None else '-'
        lines.append(f'{r.operation:<24} {r.ours_per_s:>12,.0f} {ref:>24} {ratio:>7}')
    if version is None:
        lines.append("agoraiotools (Agora's reference implementation) is not importable: no side-by-side comparison.")
    else:
        lines.append('ratio = tokens / agoraiotools (above 1 = faster); the reference has no verifier.')
    return '\n'.join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f'python -m bench {NAME}', description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=0.5, help='measuring time per operation (default 0.5)')
    parser.add_argument('--out', type=Path, default=None, help='results folder (default bench/results)')
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error('--seconds must be positive')
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    version, results = run(args.seconds)
    print(format_table(version, results))
    result = {'params': {'seconds_per_operation': args.seconds}, 'agoraiotools': version,
              'results': [asdict(row) for row in results], 'targets': []}
    path = write_result(NAME, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
