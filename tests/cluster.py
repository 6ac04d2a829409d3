"""Several ringboard processes as deploy/ runs them: each `python main.py` (tests/app_server.py) with its own PORT
and data folder and the same DATABASE_URL (PostgreSQL), REDIS_URL and STORAGE_SECRET, behind HAProxy with sticky
sessions, each part a real server on a free loopback port."""
from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .app_server import AppServer, free_port
from .haproxy_server import HAProxyServer
from .redis_server import RedisServer

STICKY_COOKIE = 'ringboard_server'  # deploy/haproxy.cfg: the proxy's cookie naming a browser's process
START_TIMEOUT = 120  # seconds: the processes start together on a loaded machine


class Cluster:
    """`url` is the proxy; `apps[i]` is process i (named `app<i+1>` at the proxy), on `ports[i]` or a free port,
    its data in `folder/app<i+1>`; the database at `database_url`; the Redis at `redis_url`, or its own, which keeps
    its data in `folder/redis` (as a deployed Redis keeps its sign-ins) when `redis_on_disk`."""

    def __init__(self, folder: Path, database_url: str, processes: int = 2, *, redis_url: str = '',
                 ports: list[int] | None = None, proxy_port: int | None = None, redis_on_disk: bool = False,
                 **settings: str) -> None:
        self.folder = folder
        self.redis_data = folder / 'redis' if redis_on_disk else None
        if self.redis_data is not None:
            self.redis_data.mkdir(parents=True, exist_ok=True)
        self.redis = None if redis_url else RedisServer(data_dir=self.redis_data)
        self.settings = {'DATABASE_URL': database_url, 'REDIS_URL': redis_url or self.redis.url,
                         'STORAGE_SECRET': secrets.token_urlsafe(32), **settings}
        self.ports = ports or [free_port() for _ in range(processes)]
        self.apps: list[AppServer] = []
        self.proxy: HAProxyServer | None = None
        try:
            self.apps = self._start_apps(range(processes))
            self.proxy = HAProxyServer(folder / 'proxy', [f'127.0.0.1:{port}' for port in self.ports],
                                       port=proxy_port)
        except BaseException:
            self.stop()
            raise
        self.url = self.proxy.url

    def _start_apps(self, numbers) -> list[AppServer]:
        with ThreadPoolExecutor() as pool:  # each waits for its own start-up: all at once
            return list(pool.map(lambda i: AppServer(self.folder / f'app{i + 1}', port=self.ports[i],
                                                     timeout=START_TIMEOUT, **self.settings), numbers))

    def sticky_cookie(self, number: int) -> dict:
        """The proxy's cookie (for Playwright's `add_cookies`) that sends a browser to process `number`."""
        return {'name': STICKY_COOKIE, 'value': f'app{number + 1}', 'url': self.url}

    def start_redis_again(self) -> None:
        """Its own Redis, stopped (`redis.stop()`), starts again on its port, with what it had if `redis_on_disk`."""
        self.redis = RedisServer(port=self.redis.port, data_dir=self.redis_data)

    def kill(self, number: int) -> None:
        """Process `number` dies at once (SIGKILL): no shutdown of its own."""
        self.apps[number].process.kill()
        self.apps[number].stop()

    def restart(self, numbers=None) -> None:
        """Stop processes `numbers` (default: all), start them again on their ports; back once the proxy sees
        them up."""
        numbers = list(range(len(self.apps)) if numbers is None else numbers)
        for number in numbers:
            self.apps[number].stop()
        for number, app in zip(numbers, self._start_apps(numbers), strict=True):
            self.apps[number] = app
        self.proxy.wait_until_up()

    def stop(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
        for app in self.apps:
            app.stop()
        if self.redis is not None:
            self.redis.stop()
