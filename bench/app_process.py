"""Server processes for the benchmarks: the app as the README starts it, the floors, and /proc readings.

The app runs through the tests' `AppServer` (`python main.py` with PORT, HOST, DATA_DIR and without the
PYTEST*/NICEGUI_* variables), so the benchmarks measure exactly what a user starts.
"""
from __future__ import annotations

import argparse
import asyncio
import atexit
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tests.app_server import AppServer, ServerProcess

from .report import PROJECT_DIR

if TYPE_CHECKING:
    import aiohttp

PASSWORD = 'correct horse battery'
_CLOCK_TICKS = os.sysconf('SC_CLK_TCK')
_running: set = set()  # servers to stop at exit, even when a benchmark is interrupted


@atexit.register
def _stop_all() -> None:
    for server in list(_running):
        server.stop()
    _running.clear()


def database_url(data_dir: Path) -> str:
    return f'sqlite:///{data_dir / "ringboard.db"}'


def precreate_users(data_dir: Path, usernames: Iterable[str], password: str = PASSWORD, rounds: int = 4) -> int:
    """Write accounts straight into the database before the server starts (it reads them at start-up).

    bcrypt at the app's 12 rounds costs about 0.25 s per user; 4 rounds keep 1000 users to seconds.
    Logging in still goes through the real /login page, which checks against whatever rounds a hash has.
    """
    from backend.accounts import Accounts
    from backend.database import create_database, dispose

    sessions = create_database(database_url(data_dir))
    accounts = Accounts(sessions, bcrypt_rounds=rounds)
    count = 0
    for username in usernames:
        accounts.register(username, password)
        count += 1
    dispose(sessions)
    return count


def new_data_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f'ringboard-{prefix}-'))


def tuning_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--tuning', choices=('on', 'off'), default='on',
                        help="the app's NICEGUI_TUNING (default on; off: stock NiceGUI, what ui/nicegui_tuning/ "
                             "is measured against)")


def start_app(data_dir: Path, **settings: str) -> AppServer:
    """`python main.py` on a free port with its own data folder (DATABASE_URL pinned there, so a `.env` cannot
    point the benchmark at a developer's database)."""
    settings.setdefault('DATABASE_URL', database_url(data_dir))
    server = AppServer(data_dir, **settings)
    _running.add(server)
    return server


def stop(server: AppServer | ScriptServer | None, data_dir: Path | None = None, keep: bool = False) -> None:
    """Stop a server and remove its data folder (kept with `keep`, e.g. to read the log after a failure)."""
    if server is not None and server in _running:
        _running.discard(server)
        server.stop()
    if data_dir is not None and not keep:
        shutil.rmtree(data_dir, ignore_errors=True)


class ScriptServer(ServerProcess):
    """A floor server (`python -m bench.relay_floor`, `python bench/bare_page.py`) started like the app."""

    def __init__(self, args: list[str], data_dir: Path, ready_path: str = '/', env: dict[str, str] | None = None,
                 timeout: float = 30) -> None:
        super().__init__(args, data_dir, cwd=data_dir, ready_path=ready_path, timeout=timeout,
                         env={'PYTHONPATH': str(PROJECT_DIR), **(env or {})})
        _running.add(self)


def rss_bytes(pid: int) -> int:
    """Resident set size of `pid` (VmRSS in /proc/<pid>/status)."""
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f'no VmRSS for pid {pid}')


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of `pid` so far (fields 14 and 15 of /proc/<pid>/stat)."""
    stat = Path(f'/proc/{pid}/stat').read_text()
    fields = stat[stat.rindex(')') + 2:].split()  # the command name may hold spaces: cut after its ')'
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


class LoopProbe:
    """How responsive the server's event loop is: the time to fetch a 108-byte static file, every `interval`.

    Everything in a NiceGUI app (page builds, socket messages, presence batches) shares one event loop, so
    a long answer here means every tab waited that long. The probe runs in the benchmark's own loop.
    """

    def __init__(self, base_url: str, interval: float = 0.1) -> None:
        from importlib.metadata import version

        self.url = f'{base_url}/_nicegui/{version("nicegui")}/static/headwind.css'
        self.interval = interval
        self.samples: list[tuple[float, float]] = []  # (sent at, seconds to answer)
        self._task = None

    def start(self, http: aiohttp.ClientSession) -> None:
        """Probe with `http` (an aiohttp session) until `stop()`."""
        async def probe() -> None:
            while True:
                sent = time.perf_counter()
                try:
                    async with http.get(self.url) as response:
                        await response.read()
                except (OSError, aiohttp_errors()):  # a refused probe is a stall of unknown length: skip it
                    await asyncio.sleep(self.interval)
                    continue
                self.samples.append((sent, time.perf_counter() - sent))
                await asyncio.sleep(self.interval)

        self._task = asyncio.create_task(probe())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def quiet(self, fast: float = 0.2, hold: float = 2.0, timeout: float = 600) -> float:
        """Wait until every probe for `hold` seconds was answered within `fast` s; returns the seconds waited."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            recent = [took for sent, took in self.samples if sent >= now - hold]
            if len(recent) >= hold / self.interval / 2 and max(recent) <= fast:
                break
        return time.perf_counter() - started

    def worst(self, since: float = 0.0, until: float = float('inf')) -> float:
        """The longest answer among probes sent in [since, until], in seconds (0 when none)."""
        return max((took for sent, took in self.samples if since <= sent <= until), default=0.0)


def aiohttp_errors() -> type[Exception]:
    import aiohttp
    return aiohttp.ClientError


def start_bare_page(script: str = 'bare_page.py') -> ScriptServer:
    """A bare NiceGUI floor page (bench/bare_page.py, or `script` beside it) in its own process and data folder."""
    data_dir = new_data_dir('bare')
    return ScriptServer([str(PROJECT_DIR / 'bench' / script)], data_dir,
                        env={'NICEGUI_STORAGE_PATH': str(data_dir / '.nicegui')})
