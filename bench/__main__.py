"""`python -m bench` runs every benchmark with its defaults; `python -m bench NAME [options]` runs one.

`python -m bench --help` lists them; `python -m bench NAME --help` shows a benchmark's options. Options after
the names, when several or none are given, go to every benchmark that accepts them (e.g. `--out DIR`).
"""
from __future__ import annotations

import importlib
import signal
import sys
import time
import traceback
from types import ModuleType

from bench import BENCHMARKS


def main(argv: list[str] | None = None) -> int:
    # Terminated (e.g. `kill`): exit normally, so the servers a benchmark started are stopped (atexit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (['-h'], ['--help']):
        print(__doc__)
        print('benchmarks:', ', '.join(BENCHMARKS))
        return 0
    names = []
    while argv and not argv[0].startswith('-'):
        names.append(argv.pop(0))
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f'unknown benchmark {", ".join(unknown)}; choose from {", ".join(BENCHMARKS)}', file=sys.stderr)
        return 2
    if len(names) == 1:
        importlib.import_module(BENCHMARKS[names[0]]).main(argv)
        return 0
    failed = []
    for name in names or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        started = time.monotonic()
        print(f'\n=== {name} ===', flush=True)
        try:
            module.main(_accepted(module, argv))
        except Exception:  # one broken benchmark must not lose the others' results
            traceback.print_exc()
            failed.append(name)
        print(f'=== {name}: {time.monotonic() - started:.0f} s ===', flush=True)
    if failed:
        print(f'failed: {", ".join(failed)}', file=sys.stderr)
    return 1 if failed else 0


def _accepted(module: ModuleType, argv: list[str]) -> list[str]:
    """The options of `argv` that this benchmark knows, with their values (e.g. `--out` goes to all)."""
    known = {option for action in module.build_parser()._actions for option in action.option_strings}
    accepted, keep = [], False
    for arg in argv:
        if arg.startswith('-'):
            keep = arg.split('=', 1)[0] in known
        if keep:
            accepted.append(arg)
    return accepted


if __name__ == '__main__':
    sys.exit(main())
