"""Starts the real app as the README does (`python main.py`) in a subprocess with its own data folder."""
from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """Ask `process` to end; kill it if it has not within 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerProcess:
    """`python ARGS` on `port` or a free local port (PORT, HOST), logging to `server.log` in `data_dir`, up once
    `ready_path` answers."""

    def __init__(self, args: list[str], data_dir: Path, *, cwd: Path, ready_path: str, env: dict[str, str],
                 timeout: float = 90, certificate: str = '', port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f'{"https" if certificate else "http"}://127.0.0.1:{self.port}'
        # Served with a test's self-signed certificate: trust that one certificate.
        self._tls = ssl.create_default_context(cafile=certificate) if certificate else None
        self.data_dir = data_dir
        self.log_path = data_dir / 'server.log'
        # The test process's PYTEST_* and NICEGUI_* variables would put NiceGUI into its own test mode.
        clean = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST', 'NICEGUI_'))}
        clean.update(PORT=str(self.port), HOST='127.0.0.1', **env)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, 'a')  # a restart on the same folder appends
        self.process = subprocess.Popen([sys.executable, *args], cwd=cwd, env=clean,
                                        stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_until_up(args, ready_path, timeout)

    def _wait_until_up(self, args: list[str], ready_path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'{args} exited with {self.process.returncode}:\n{self.log()}')
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=10, context=self._tls)
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f'{args} did not come up within {timeout} s:\n{self.log()}')

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        stop_process(self.process)
        self._log.close()


class AppServer(ServerProcess):
    def __init__(self, data_dir: Path, *, port: int | None = None, timeout: float = 90, **settings: str) -> None:
        # ringboard's own NICEGUI_TUNING goes with NiceGUI's variables above: the test run's is passed on
        # (tests/run.sh runs the call tests with NICEGUI_TUNING=off too; empty means on, and keeps .env out).
        tuning = os.environ.get('NICEGUI_TUNING', '')
        super().__init__(['main.py'], data_dir, cwd=PROJECT_DIR, ready_path='/login',
                         env={'DATA_DIR': str(data_dir), 'NICEGUI_TUNING': tuning, **settings},
                         certificate=settings.get('SSL_CERTFILE', ''), port=port, timeout=timeout)
