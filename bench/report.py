"""Shared reporting for the benchmarks: the machine, percentiles, tables and the JSON result files."""
from __future__ import annotations

import asyncio
import functools
import json
import math
import os
import platform
import subprocess
import time
from collections.abc import Awaitable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / 'results'

T = TypeVar('T')


# The server's request and socket path: when numbers move between machines, these versions are the first suspects.
SERVER_STACK = ('nicegui', 'python-socketio', 'python-engineio', 'fastapi', 'starlette', 'uvicorn', 'uvloop',
                'wsproto', 'orjson', 'sqlalchemy')


def machine() -> dict[str, Any]:
    """What the numbers were measured on (they mean little without it)."""
    cpu_model = ''
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu_model = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path('/proc/meminfo').read_text().splitlines():
            if line.startswith('MemTotal:'):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        'nproc': os.cpu_count(),
        'cpu_model': cpu_model,
        'ram_gib': ram_gib,
        'python': platform.python_version(),
        'chromium': chromium_version(),
        'packages': {name: _package_version(name) for name in SERVER_STACK},
        'platform': platform.platform(),
        'loadavg': os.getloadavg(),  # other work on the machine shows here: wall-clock numbers suffer from it
    }


@functools.cache
def chromium_version() -> str | None:
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    try:
        out = subprocess.run([chromium, '--version'], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.strip() or None


def _package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between the closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """count, mean, p50, p95, p99 and max of durations given in seconds, reported in milliseconds."""
    ms = [value * 1000 for value in seconds]
    return {
        'count': len(ms),
        'mean_ms': sum(ms) / len(ms) if ms else math.nan,
        'p50_ms': percentile(ms, 50),
        'p95_ms': percentile(ms, 95),
        'p99_ms': percentile(ms, 99),
        'max_ms': max(ms) if ms else math.nan,
    }


def ratio(value: float | None, floor: float | None) -> float | None:
    if value is None or floor is None or not math.isfinite(value) or not math.isfinite(floor) or floor <= 0:
        return None
    return value / floor


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain text table; floats get a sensible number of digits."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max(len(str(header)), *(len(row[i]) for row in cells)) if cells else len(str(header))
              for i, header in enumerate(headers)]
    lines = ['  '.join(str(header).rjust(width) for header, width in zip(headers, widths, strict=True)),
             '  '.join('-' * width for width in widths)]
    lines += ['  '.join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in cells]
    return '\n'.join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return '-'
    if isinstance(value, bool):
        return 'yes' if value else 'NO'
    if isinstance(value, float):
        if not math.isfinite(value):
            return '-'
        return f'{value:,.0f}' if abs(value) >= 1000 else f'{value:.3g}' if abs(value) < 1 else f'{value:.1f}'
    return str(value)


def write_result(name: str, result: dict[str, Any], out_dir: Path | None = None) -> Path:
    """Write `result` (plus the machine) to `<out_dir>/<name>.json` and return the path."""
    out_dir = Path(out_dir) if out_dir is not None else RESULTS_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f'{name}.json'
    document = {'benchmark': name, 'finished_at': time.strftime('%Y-%m-%dT%H:%M:%S%z'), 'machine': machine(),
                **result}
    path.write_text(json.dumps(_finite(document), indent=2, default=_json_default, allow_nan=False) + '\n')
    return path


def _finite(value: Any) -> Any:
    """NaN and infinities (a measurement that did not happen) as null: JSON has no NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f'cannot write {type(value).__name__} as JSON')


def target(name: str, measured: float | None, limit: float, unit: str, detail: str = '') -> dict[str, Any]:
    """One target check: met when `measured` is finite and at most `limit`."""
    met = measured is not None and math.isfinite(measured) and measured <= limit
    return {'name': name, 'measured': measured, 'limit': limit, 'unit': unit, 'met': met, 'detail': detail}


async def gather_limited(coroutines: Iterable[Awaitable[T]], limit: int) -> list[T]:
    """Run awaitables at most `limit` at a time (a thundering herd would measure the herd, not the app)."""
    semaphore = asyncio.Semaphore(limit)

    async def one(awaitable: Awaitable[T]) -> T:
        async with semaphore:
            return await awaitable

    return await asyncio.gather(*(one(awaitable) for awaitable in coroutines))


def system_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (busy jiffies in /proc/stat, all cores)."""
    fields = Path('/proc/stat').read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf('SC_CLK_TCK')


class CpuMeter:
    """CPU seconds used over a window by the server, by this process, and by everything else on the machine.

    Wall-clock latencies on a shared machine suffer from other work; the `others_cpu_share` says how much
    there was, and CPU seconds per operation stay comparable when wall-clock numbers do not.
    """

    def __init__(self, pid: int | None = None) -> None:
        from .app_process import cpu_seconds
        self._pid = pid
        self._cpu_seconds = cpu_seconds
        self.start()

    def start(self) -> None:
        self._wall = time.perf_counter()
        self._own = time.process_time()
        self._other = self._cpu_seconds(self._pid) if self._pid else 0.0
        self._system = system_busy_seconds()

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self._wall
        own = time.process_time() - self._own
        server = (self._cpu_seconds(self._pid) - self._other) if self._pid else 0.0
        others = max(0.0, system_busy_seconds() - self._system - own - server)

        def share(seconds: float) -> float:
            return seconds / wall if wall else math.nan

        return {'wall_s': wall, 'server_cpu_s': server, 'server_cpu_share': share(server),
                'bench_cpu_s': own, 'bench_cpu_share': share(own), 'others_cpu_share': share(others),
                'loadavg_1min': os.getloadavg()[0]}


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of `pid` and its live descendants (HAProxy's worker, PostgreSQL's backends); 0 once gone."""
    from .app_process import cpu_seconds
    try:
        children = [int(child) for task in Path(f'/proc/{pid}/task').iterdir()
                    for child in (task / 'children').read_text().split()]
        return cpu_seconds(pid) + sum(tree_cpu_seconds(child) for child in children)
    except (OSError, ValueError):
        return 0.0


class PartsMeter:
    """CPU seconds over a window of the named parts of a deployment (`{'apps': [pid, ...], 'redis': [pid]}`, each
    with its live children), of this process (`clients`: the synthetic tabs) and of the rest of the machine
    (`others`). On a machine whose cores all of these share, `clients` says how much the measuring took."""

    def __init__(self, parts: dict[str, list[int]]) -> None:
        self.parts = parts
        self._wall = time.perf_counter()
        self._start = self._read()

    def _read(self) -> dict[str, float]:
        reading = {name: sum(tree_cpu_seconds(pid) for pid in pids) for name, pids in self.parts.items()}
        return reading | {'clients': time.process_time(), 'machine': system_busy_seconds()}

    def stop(self) -> dict[str, Any]:
        wall = time.perf_counter() - self._wall
        end = self._read()
        cpu = {name: max(0.0, end[name] - self._start[name]) for name in end}
        cpu['others'] = max(0.0, cpu.pop('machine') - sum(cpu.values()))
        return {'wall_s': wall, 'cpu_s': cpu, 'cores': {name: value / wall if wall else math.nan
                                                        for name, value in cpu.items()},
                'loadavg_1min': os.getloadavg()[0]}


async def idle_cpu_share(pid: int, seconds: float = 1.0) -> float:
    """The share of a core `pid` uses while nothing happens (pings, acks, timers): subtracted from busy windows."""
    meter = CpuMeter(pid)
    await asyncio.sleep(seconds)
    return meter.stop()['server_cpu_share']


def dig(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None where a level is missing (a size that failed has no numbers)."""
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


async def attempt(awaitable: Awaitable[dict], progress: Any = print) -> dict:
    """The measurement, or `{'error': ...}`: one size that breaks must not lose the others' results."""
    try:
        return await awaitable
    except Exception as error:  # reported in the results and the table, not hidden
        progress(f'  failed: {type(error).__name__}: {error}')
        return {'error': f'{type(error).__name__}: {str(error)[:2000]}'}
