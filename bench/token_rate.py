"""Tokens per second: the Agora token builders, parser and verifier (tokens/bench.py), run from here.

`python -m bench tokens [--seconds 0.5]`

Floor: Agora's reference implementation, the `agoraiotools` package, measured side by side when it is
importable (`pip install agoraiotools`; it is never a requirement of this project). Without it only this
package's rates are reported.
"""
from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from tokens import bench as token_bench

from .report import write_result

NAME = 'tokens'


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
    version, results = token_bench.run(args.seconds)
    print(token_bench.format_table(version, results))
    result = {'params': {'seconds_per_operation': args.seconds}, 'agoraiotools': version,
              'results': [asdict(row) for row in results], 'targets': []}
    path = write_result(NAME, result, args.out)
    print(f'wrote {path}')
    return result


if __name__ == '__main__':
    main()
