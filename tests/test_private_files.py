"""The data folder of `python main.py` is the owner's alone: 0700, its files 0600 (before: ringboard.db with its
bcrypt hashes and the session files were world-readable, 0644)."""
from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

from bench.nicegui_client import http_session, open_dashboard, register


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(data_dir: Path) -> dict[str, int]:
    return {str(path.relative_to(data_dir)): mode(path) for path in data_dir.rglob('*') if path.name != 'server.log'}


async def test_a_new_data_folder_and_everything_in_it_are_owner_only(start_app, tmp_path):
    usual = os.umask(0o022)  # the usual umask, under which files were created 0644 before
    try:
        app = start_app()
    finally:
        os.umask(usual)
    async with http_session() as http:
        cookie = await register(app.url, http, 'alice')  # writes the database ...
        await (await open_dashboard(app.url, http, 'alice', cookie)).close()  # ... and the sign-in's session file
    sessions = app.data_dir / 'sessions'
    async with asyncio.timeout(10):  # NiceGUI writes it in the background
        while not list(sessions.glob('storage-user-*.json')):
            await asyncio.sleep(0.05)
    found = modes(app.data_dir)
    assert {'ringboard.db', 'storage_secret', 'sessions'} <= set(found)
    assert any(name.startswith('sessions/storage-user-') for name in found), found
    assert mode(app.data_dir) == 0o700
    assert {name: value for name, value in found.items() if value not in {0o600, 0o700}} == {}
    assert all(value == 0o700 for name, value in found.items() if (app.data_dir / name).is_dir())


def test_files_an_earlier_release_left_readable_are_narrowed_at_start_up(start_app, tmp_path):
    data_dir = tmp_path / 'app0'  # the folder start_app gives its first server
    (data_dir / 'sessions').mkdir(parents=True)
    old = [data_dir / 'storage_secret', data_dir / 'sessions' / 'storage-user-1.json']
    old[0].write_text('an old secret')
    old[1].write_text('{"username": "alice"}')
    for path in [data_dir, data_dir / 'sessions', *old]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    app = start_app()
    assert app.data_dir == data_dir
    assert mode(data_dir) == 0o700 and mode(data_dir / 'sessions') == 0o700
    assert [mode(path) for path in old] == [0o600, 0o600]
    assert mode(data_dir / 'ringboard.db') == 0o600
