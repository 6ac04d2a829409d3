"""The schema is brought up to date in place at start-up (Alembic): a new database gets exactly the models' schema,
and a database made by the release before migrations starts under `python main.py` with every account and every
history entry intact."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import bcrypt
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, select

from backend.accounts import Accounts
from backend.call_history import CallHistory
from backend.database import Base, User, create_database, dispose
from backend.schema import MIGRATIONS

from .app_server import PROJECT_DIR
from .test_browser_auth import DEFAULTS

# backend/database.py as the last release before migrations shipped it (it made its tables with create_all).
RELEASE = Path(__file__).with_name('releases') / 'database_before_migrations.py'
PASSWORD = 'correct horse'


def release_database_module():
    spec = importlib.util.spec_from_file_location('database_before_migrations', RELEASE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its models' string annotations are resolved through it
    spec.loader.exec_module(module)
    return module


def newest_revision() -> str:
    """The head of backend/migrations (one line of revisions), whichever migration came last."""
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head


def test_a_new_database_has_exactly_the_models_schema(database_url):
    dispose(create_database(database_url))
    engine = create_engine(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.exec_driver_sql('SELECT version_num FROM alembic_version').scalar() == newest_revision()
    engine.dispose()


def test_migrating_twice_changes_nothing(database_url):
    url = database_url
    sessions = create_database(url)
    Accounts(sessions, bcrypt_rounds=4).register('alice', PASSWORD)
    dispose(sessions)
    sessions = create_database(url)
    assert [account.username for account in Accounts(sessions, bcrypt_rounds=4).all()] == ['alice']
    dispose(sessions)


def test_a_release_database_starts_under_the_new_code_intact(tmp_path, start_app):
    data_dir = tmp_path / 'app0'  # where start_app's first server keeps its data
    release = release_database_module()
    sessions = release.create_database(f'sqlite:///{data_dir / "ringboard.db"}')
    password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    start = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    with sessions() as session:
        users = [release.User(username=name, username_key=name.lower(), password_hash=password_hash)
                 for name in ('alice', 'Bob', 'carol')]
        session.add_all(users)
        session.flush()
        alice, bob, carol = users
        session.add_all([
            release.CallRecord(id=f'call-{n}', caller_id=caller.id, callee_id=callee.id, channel=f'ch{n}',
                               state='ended', end_reason=reason, ended_by=ended_by,
                               created_at=start + timedelta(minutes=n),
                               answered_at=start + timedelta(minutes=n, seconds=5) if reason == 'completed' else None,
                               ended_at=start + timedelta(minutes=n, seconds=47))
            for n, (caller, callee, reason, ended_by) in enumerate([
                (alice, bob, 'completed', 'Bob'), (bob, alice, 'declined', 'alice'),
                (carol, alice, 'no_answer', None), (alice, carol, 'offline', None)])])
        session.commit()
    release.dispose(sessions)

    app = start_app(**DEFAULTS)  # python main.py on that data folder: migrates it at start-up
    assert urllib.request.urlopen(f'{app.url}/login', timeout=10).status == 200
    app.stop()
    assert 'Traceback' not in app.log()

    sessions = create_database(f'sqlite:///{data_dir / "ringboard.db"}')
    try:
        accounts = Accounts(sessions, bcrypt_rounds=4)
        assert [account.username for account in sorted(accounts.all())] == ['Bob', 'alice', 'carol']
        for name in ('alice', 'bob', 'carol'):
            assert accounts.login(name, PASSWORD).username.lower() == name
        with sessions() as session:
            assert session.scalars(select(User.display_name)).all() == [None, None, None]
        history = CallHistory(sessions)
        alice_calls = history.entries('alice')
        assert [(entry.call_id, entry.peer, entry.result.value, entry.outgoing) for entry in alice_calls] == [
            ('call-3', 'carol', 'offline', True), ('call-2', 'carol', 'no_answer', False),
            ('call-1', 'Bob', 'declined', False), ('call-0', 'Bob', 'completed', True)]
        assert alice_calls[-1].duration == 42 and alice_calls[-1].started_at == start
        assert {entry.kind.value for entry in alice_calls} == {'video'}  # every call before voice calls was video
        assert len(history.entries('Bob')) == 2 and len(history.entries('carol')) == 2
        assert history.missed_count('alice') == 1
    finally:
        dispose(sessions)


def test_processes_starting_at_once_on_a_new_postgresql_database_migrate_it_once(postgres_server):
    """Several processes behind a proxy (deploy/) start together: before the migration lock, all but one failed
    with "relation users already exists"."""
    url = postgres_server.new_database()
    # Each process imports, then waits for a line on its standard input: all four migrate at the same moment.
    starts = [subprocess.Popen([sys.executable, '-c', f'import sys; from backend.database import create_database; '
                                                      f'sys.stdin.readline(); create_database({url!r})'],
                               cwd=PROJECT_DIR, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(4)]
    time.sleep(3)  # the imports
    for start in starts:
        start.stdin.write('go\n')
        start.stdin.close()
    for start in starts:
        assert start.wait(60) == 0, start.stderr.read()
        start.stderr.close()
    sessions = create_database(url)
    Accounts(sessions, bcrypt_rounds=4).register('alice', PASSWORD)
    assert [account.username for account in Accounts(sessions, bcrypt_rounds=4).all()] == ['alice']
    dispose(sessions)
