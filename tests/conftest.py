from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from backend.call_store import CallStore, MemoryCallStore

from .app_server import AppServer
from .cluster import Cluster
from .isolated_settings import isolate_settings
from .postgres_server import PostgresServer
from .redis_server import RedisServer
from .turn_server import TurnServer

ARTIFACTS = Path(__file__).resolve().parent.parent / 'test-artifacts'


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder and database; a developer's .env or data never leaks in."""
    data_dir = tmp_path / 'data'
    isolate_settings(monkeypatch, data_dir)
    return data_dir


@pytest.fixture
def start_app(tmp_path: Path) -> Iterator:
    """Start `python main.py` with the given settings; stopped after the test."""
    servers: list[AppServer] = []

    def start(**settings: str) -> AppServer:
        server = AppServer(tmp_path / f'app{len(servers)}', **settings)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def turn_server(tmp_path: Path) -> Iterator[TurnServer]:
    """Debian's coturn on a free loopback port with a shared secret; stopped after the test."""
    server = TurnServer(tmp_path / 'turn', secret='ringboard-turn-test-secret')
    yield server
    server.stop()


# Playwright's sync API keeps an event loop running while it is open: it ends with each module, before the
# next module's async tests need a loop of their own.
@pytest.fixture(scope='module')
def chromium():
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope='session')
def redis_server() -> Iterator[RedisServer]:
    """Debian's redis-server on a free loopback port for the whole run; each user of it takes its own key prefix."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture(params=['memory', 'redis'])
def new_call_store(request: pytest.FixtureRequest) -> Iterator[Callable[[], CallStore]]:
    """Makes the call registry's store: in memory, or in the real Redis under a fresh prefix (the registry's tests
    run on both)."""
    if request.param == 'memory':
        yield MemoryCallStore
        return
    from backend.redis_call_store import RedisCallStore
    url = request.getfixturevalue('redis_server').url
    stores: list[RedisCallStore] = []

    def new() -> RedisCallStore:
        stores.append(RedisCallStore(url, prefix=f'test-{uuid.uuid4().hex}:'))
        return stores[-1]

    yield new
    for store in stores:
        store.close()


@pytest.fixture(scope='session')
def postgres_server() -> Iterator[PostgresServer]:
    """Debian's PostgreSQL 15 on a free loopback port for the whole run; each user of it takes a new database."""
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=['sqlite', 'postgresql'])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database: an SQLite file, or a database on the real PostgreSQL server (tests that take this
    run on both)."""
    if request.param == 'sqlite':
        return f'sqlite:///{tmp_path}/ringboard.db'
    return request.getfixturevalue('postgres_server').new_database()


@pytest.fixture
def start_cluster(tmp_path: Path, postgres_server: PostgresServer) -> Iterator[Callable[..., Cluster]]:
    """Starts `processes` app processes (default 2) with the given settings behind HAProxy, sharing their own
    Redis and a new PostgreSQL database; stopped after the test."""
    clusters: list[Cluster] = []

    def start(processes: int = 2, **settings: str) -> Cluster:
        database = postgres_server.new_database()
        clusters.append(Cluster(tmp_path / f'cluster{len(clusters)}', database, processes, **settings))
        return clusters[-1]

    yield start
    for cluster in clusters:
        cluster.stop()


@pytest.fixture
def cluster(start_cluster: Callable[..., Cluster]) -> Cluster:
    """Two app processes behind HAProxy, with Redis and PostgreSQL (tests/cluster.py)."""
    return start_cluster()
