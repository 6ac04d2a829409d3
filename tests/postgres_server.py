"""Debian's PostgreSQL 15 on a free loopback port in a temporary folder, with no service (NETWORK.md's commands).

PostgreSQL refuses to run as root: as root, its folder is handed to the `postgres` user the package creates and
`initdb` and `postgres` run as that user (started as it directly, so a signal reaches `postgres` itself).
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from .redis_server import free_tcp_port

BIN = Path('/usr/lib/postgresql/15/bin')


def _as_postgres() -> dict:
    return {'user': 'postgres', 'group': 'postgres', 'extra_groups': []} if os.getuid() == 0 else {}


class PostgresServer:
    """`postgres` in the foreground; `url` (an SQLAlchemy URL, psycopg 3) is ready once started. In a temporary
    folder, removed at `stop()`, or in `folder`, kept (and used again by the next start)."""

    def __init__(self, timeout: float = 30, folder: Path | None = None) -> None:
        self.keep = folder is not None
        self.folder = folder or Path(tempfile.mkdtemp(prefix='ringboard-pg-'))
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.getuid() == 0:
            user = pwd.getpwnam('postgres')
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.port = free_tcp_port()
        self.url = f'postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres'
        if not (self.folder / 'data').exists():
            subprocess.run([str(BIN / 'initdb'), '-D', str(self.folder / 'data'), '-A', 'trust', '-U', 'postgres',
                            '--no-sync'], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           **_as_postgres())
        self.process = subprocess.Popen(
            [str(BIN / 'postgres'), '-D', str(self.folder / 'data'), '-p', str(self.port), '-k', str(self.folder),
             '-c', 'listen_addresses=127.0.0.1', *([] if self.keep else ['-c', 'fsync=off'])],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=self.folder, **_as_postgres())
        self._wait_until_up(timeout)
        self._databases = 0

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        engine = create_engine(self.url, connect_args={'connect_timeout': 1})
        try:
            while True:
                try:
                    with engine.connect() as connection:
                        connection.execute(text('SELECT 1'))
                    return
                except OperationalError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        self.process.kill()
                        output = self.process.communicate()[0]
                        raise RuntimeError(f'postgres did not answer on port {self.port}:\n{output}') from None
                    time.sleep(0.1)
        finally:
            engine.dispose()

    def new_database(self) -> str:
        """A fresh, empty database on this server; its SQLAlchemy URL."""
        self._databases += 1
        name = f'ringboard_{self._databases}'
        engine = create_engine(self.url, isolation_level='AUTOCOMMIT')
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE {name}'))
        finally:
            engine.dispose()
        return self.url.rsplit('/', 1)[0] + f'/{name}'

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown: ends the clients' sessions
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)
