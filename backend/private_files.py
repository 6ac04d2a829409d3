"""The data folder is the owner's alone: 0700, and 0600 for its files (the database with its password hashes, the
browser sessions, the storage secret).

Files the server creates from now on get that from the process's umask; files left by an earlier release, made
0644, are narrowed at start-up. An SQLite database kept outside the data folder (DATABASE_URL) is narrowed too.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

OWNER_ONLY_UMASK = 0o077


def make_data_private(data_dir: Path, database_url: str) -> None:
    os.umask(OWNER_ONLY_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for path in data_dir.rglob('*'):
        if path.is_symlink():
            continue  # whatever it points to is not ours to change
        path.chmod(0o700 if path.is_dir() else 0o600)
    url = make_url(database_url)
    if url.get_backend_name() == 'sqlite' and url.database and url.database != ':memory:':
        for suffix in ('', '-wal', '-shm', '-journal'):
            database_file = Path(url.database + suffix)
            if database_file.is_file():
                database_file.chmod(0o600)
