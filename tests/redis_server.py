"""Debian's redis-server on a free loopback port, with no files and no service (the command line of NETWORK.md)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis

REDIS_SERVER = shutil.which('redis-server') or '/usr/bin/redis-server'


def free_tcp_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class RedisServer:
    """`redis-server` in the foreground; `url` is ready once started (it answered PING). `port`: a given one (e.g.
    to start Redis again where a stopped one was); `data_dir`: keep the data there (append-only file), so a Redis
    started again on it has what the stopped one had."""

    def __init__(self, timeout: float = 15, port: int | None = None, data_dir: Path | None = None) -> None:
        self.port = port or free_tcp_port()
        self.url = f'redis://127.0.0.1:{self.port}/0'
        keep = ['--appendonly', 'no'] if data_dir is None else ['--appendonly', 'yes', '--appendfsync', 'always',
                                                                 '--dir', str(data_dir)]
        self.process = subprocess.Popen(
            [REDIS_SERVER, '--port', str(self.port), '--save', '', *keep, '--bind', '127.0.0.1',
             '--loglevel', 'warning'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.process.kill()
                    output = self.process.communicate()[0]
                    raise RuntimeError(f'redis-server did not answer on port {self.port}:\n{output}') from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # redis-server exits at once on SIGTERM (nothing to save: --save '')
            self.process.wait(10)
        self.process.stdout.close()
