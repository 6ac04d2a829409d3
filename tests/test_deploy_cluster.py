"""`python -m deploy.cluster`, the README's one command for a local cluster: it starts Redis, PostgreSQL, the
processes and HAProxy, each process answers through the proxy, and Ctrl-C stops every part of it."""
from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from .app_server import PROJECT_DIR, free_port
from .cluster import STICKY_COOKIE

START_TIMEOUT = 180  # seconds: initdb, PostgreSQL, Redis, two processes and HAProxy on a loaded machine


def free_ports_in_a_row(count: int) -> int:
    """A port with the `count - 1` ports after it free too (deploy.cluster puts the processes there)."""
    while True:
        first = free_port()
        if all(is_free(first + offset) for offset in range(1, count)):
            return first


def is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(('127.0.0.1', port)) != 0


def descendants(pid: int) -> set[int]:
    """Every process started by `pid`, and by those, from /proc."""
    children: dict[int, set[int]] = {}
    for entry in Path('/proc').iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            parent = int((entry / 'stat').read_text().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, set()).add(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.add(child)
            todo.append(child)
    return found


def is_running(pid: int) -> bool:
    try:
        return (Path('/proc') / str(pid) / 'stat').read_text().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def test_one_command_starts_the_cluster_and_ctrl_c_stops_all_of_it():
    data = Path(tempfile.mkdtemp(prefix='ringboard-cluster-'))
    data.chmod(0o755)  # PostgreSQL runs as its own user (as root): it must reach its folder inside
    port = free_ports_in_a_row(3)
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST', 'NICEGUI_'))}
    command = [sys.executable, '-m', 'deploy.cluster', '--processes', '2', '--port', str(port), '--data', str(data)]
    cluster = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in cluster.stdout], daemon=True).start()
    said: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not any(line.startswith(f'ringboard on http://127.0.0.1:{port} ') for line in said):
            assert cluster.poll() is None and time.monotonic() < deadline, ''.join(said)
            try:
                said.append(lines.get(timeout=1))
            except queue.Empty:
                pass
        for process in ('app1', 'app2'):  # each process answers through the proxy, kept there by its cookie
            request = urllib.request.Request(f'http://127.0.0.1:{port}/login',
                                             headers={'Cookie': f'{STICKY_COOKIE}={process}'})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
                assert STICKY_COOKIE not in str(response.headers.get_all('set-cookie'))  # it stayed there
        parts = descendants(cluster.pid)
        assert len(parts) >= 5, parts  # PostgreSQL, Redis, two processes, HAProxy (and their own children)

        cluster.send_signal(signal.SIGINT)  # Ctrl-C
        assert cluster.wait(60) == 0, ''.join(said)
        assert [pid for pid in parts if is_running(pid)] == []
        assert all(is_free(port + offset) for offset in range(3))
    finally:
        if cluster.poll() is None:
            cluster.kill()
            cluster.wait()
        shutil.rmtree(data, ignore_errors=True)
