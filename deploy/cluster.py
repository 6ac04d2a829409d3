"""A local cluster in one command, to try ringboard as several processes:

    python -m deploy.cluster --processes 2

starts Redis, PostgreSQL (its data kept in `data/cluster/postgres`, so accounts and history outlive the cluster),
N ringboard processes (`python main.py`, ports 8081.., their logs in `data/cluster/app<i>/server.log`) and HAProxy
with deploy/haproxy.cfg's sticky sessions on http://127.0.0.1:8080. Ctrl-C stops them all. `REDIS_URL` or
`DATABASE_URL` in the environment are used instead of starting that server; other settings (APP_NAME, TURN_URLS,
...) pass on to every process. Debian packages: redis-server, postgresql, haproxy (tests/run.sh installs them).
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from tests.app_server import PROJECT_DIR
from tests.cluster import Cluster
from tests.postgres_server import PostgresServer


def main() -> None:
    parser = argparse.ArgumentParser(prog='python -m deploy.cluster', description=__doc__.split('\n\n')[0])
    parser.add_argument('--processes', type=int, default=2, help='ringboard processes (default 2)')
    parser.add_argument('--port', type=int, default=8080, help="the proxy's port (default 8080); processes use the "
                                                               'ports after it')
    parser.add_argument('--data', type=Path, default=PROJECT_DIR / 'data' / 'cluster',
                        help='where the database and the logs are kept (default data/cluster)')
    args = parser.parse_args()
    if not 1 <= args.processes <= 16:
        sys.exit('deploy.cluster: --processes must be 1 to 16')
    args.data.mkdir(parents=True, exist_ok=True)
    postgres = None
    database_url = os.environ.get('DATABASE_URL', '')
    if not database_url:
        print('starting PostgreSQL ...', flush=True)
        postgres = PostgresServer(folder=args.data / 'postgres')
        database_url = postgres.url
    print(f'starting {args.processes} ringboard processes and HAProxy ...', flush=True)
    try:
        cluster = Cluster(args.data, database_url, args.processes, redis_url=os.environ.get('REDIS_URL', ''),
                          ports=[args.port + number for number in range(1, args.processes + 1)],
                          proxy_port=args.port, STORAGE_SECRET=_storage_secret(args.data))
    except BaseException:
        if postgres is not None:
            postgres.stop()
        raise
    print(f'ringboard on {cluster.url} (processes on ports {", ".join(map(str, cluster.ports))}, '
          f'logs in {args.data}/app<i>/server.log); Ctrl-C stops everything', flush=True)
    stopping = threading.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or a `kill`
        signal.signal(stop_signal, lambda *_: stopping.set())
    while not stopping.wait(1):
        for number, app in enumerate(cluster.apps):
            if app.process.poll() is not None:
                print(f'process app{number + 1} exited ({app.process.returncode}): see its server.log', flush=True)
                stopping.set()
    print('stopping ...', flush=True)
    cluster.stop()
    if postgres is not None:
        postgres.stop()


def _storage_secret(data: Path) -> str:
    """One secret for every process (each signs and reads the others' session cookies), kept for the next run."""
    from backend.storage_secret import load_or_create_storage_secret
    return os.environ.get('STORAGE_SECRET') or load_or_create_storage_secret('', data)


if __name__ == '__main__':
    main()
