"""Debian's HAProxy in the foreground on a free loopback port, in front of the given app processes, with
deploy/haproxy.cfg's settings (deploy/proxy_config.py)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from deploy.proxy_config import proxy_config

from .redis_server import free_tcp_port

HAPROXY = shutil.which('haproxy') or '/usr/sbin/haproxy'


class HAProxyServer:
    """`url` is the proxy; `wait_until_up()` returns once HAProxy's health checks see every server up."""

    def __init__(self, folder: Path, servers: list[str], timeout: float = 30, port: int | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_tcp_port()
        self.url = f'http://127.0.0.1:{self.port}'
        # A socket path may be at most ~100 bytes, and pytest's folders (with xdist's worker in them) grow longer.
        self._socket_folder = Path(tempfile.mkdtemp(prefix='haproxy-'))  # private (0700)
        self.admin_socket = self._socket_folder / 'admin.sock'
        self.config = folder / 'haproxy.cfg'
        self.config.write_text(proxy_config(f'127.0.0.1:{self.port}', servers, self.admin_socket))
        self.log_path = folder / 'haproxy.log'
        self._log = open(self.log_path, 'a')
        # -db: in the foreground, no daemon; -W: master-worker, which ends its worker when it is terminated.
        self.process = subprocess.Popen([HAPROXY, '-W', '-db', '-f', str(self.config)],
                                        stdout=self._log, stderr=subprocess.STDOUT)
        self.wait_until_up(timeout)

    def server_stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's statistics of each server (`app1` -> {'status': 'UP', 'stot': sessions so far, ...})."""
        with socket.socket(socket.AF_UNIX) as admin:
            admin.connect(str(self.admin_socket))
            admin.sendall(b'show stat\n')
            answer = b''
            while chunk := admin.recv(65536):
                answer += chunk
        header, *rows = answer.decode().splitlines()
        names = header.lstrip('# ').split(',')
        stats = {}
        for row in rows:
            fields = dict(zip(names, row.split(','), strict=False))
            if fields.get('pxname') == 'ringboard' and fields.get('svname') not in (None, 'FRONTEND', 'BACKEND'):
                stats[fields['svname']] = fields
        return stats

    def server_states(self) -> dict[str, str]:
        """Each server's health as HAProxy sees it: `app1` -> `UP`, `DOWN`, ..."""
        return {name: fields['status'] for name, fields in self.server_stats().items()}

    def wait_until_up(self, timeout: float = 30, servers: set[str] | None = None) -> None:
        """Until every server (or those named) is UP in HAProxy's health checks."""
        deadline = time.monotonic() + timeout
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'haproxy exited with {self.process.returncode}:\n{self.log_path.read_text()}')
            try:
                states = self.server_states()
            except OSError:
                states = {}
            if states and all(state == 'UP' for name, state in states.items() if servers is None or name in servers):
                return
            time.sleep(0.1)
        raise RuntimeError(f'haproxy did not see its servers up within {timeout} s: {states}')

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        shutil.rmtree(self._socket_folder, ignore_errors=True)
