"""DEMO_USERS: parsed and checked at start-up, created without a usable password, never taking over an account
registered with one, and `python main.py` refusing with one line when it would."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import event

from backend.accounts import WRONG_CREDENTIALS, Account, AccountError, Accounts
from backend.database import create_database, dispose
from backend.login_throttle import LoginThrottle
from backend.settings import PROJECT_DIR, SettingsError, load_settings

from .test_settings import DOTENV_SETTINGS, assert_one_line_refusal, run_main

PASSWORD = 'correct horse'


@pytest.fixture
def accounts(tmp_path: Path):
    sessions = create_database(f'sqlite:///{tmp_path}/a.db')
    yield Accounts(sessions, LoginThrottle(max_failures=1000), bcrypt_rounds=4)
    dispose(sessions)


def test_entries_are_usernames_with_optional_display_names():
    settings = load_settings({'DEMO_USERS': ' alice=Alice Johnson , bob ,carol.d=  Carol Díaz 王 ,'})
    assert settings.demo_users == (('alice', 'Alice Johnson'), ('bob', ''), ('carol.d', 'Carol Díaz 王'))
    assert load_settings({}).demo_users == ()


@pytest.mark.parametrize(('raw', 'words'), [
    pytest.param('al', ["'al'", '3 to 32 characters'], id='too-short'),
    pytest.param('alice,bob smith', ["'bob smith'", 'may only use'], id='space-in-username'),
    pytest.param('=Alice', ['Please choose a username'], id='no-username'),
    pytest.param('alice,Alice', ["'Alice' twice"], id='duplicate-any-case'),
    pytest.param('alice=' + 'x' * 65, ['at most 64 characters'], id='display-name-too-long'),
])
def test_bad_entries_name_the_setting_and_the_entry(raw, words):
    with pytest.raises(SettingsError) as refusal:
        load_settings({'DEMO_USERS': raw})
    assert str(refusal.value).startswith('DEMO_USERS')
    for word in words:
        assert word in str(refusal.value)


def test_a_demo_person_is_created_once_and_no_password_signs_in_as_them(accounts):
    alice = accounts.add_demo_person('alice')
    assert accounts.add_demo_person('ALICE') == alice, 'a restart finds the same person'
    assert accounts.all() == [alice]
    for password in (PASSWORD, '!', '', 'x' * 72, '\udcff'):
        with pytest.raises(AccountError, match=WRONG_CREDENTIALS):
            accounts.login('alice', password)
    with pytest.raises(AccountError, match='taken'):
        accounts.register('alice', PASSWORD)


def test_a_registered_account_is_never_turned_into_a_demo_person(accounts):
    accounts.register('bob', PASSWORD)
    with pytest.raises(AccountError, match='"bob" is an account registered with a password'):
        accounts.add_demo_person('Bob')
    assert accounts.login('bob', PASSWORD).username == 'bob'


def test_main_refuses_demo_users_naming_a_registered_account(tmp_path):
    sessions = create_database(f'sqlite:///{tmp_path / "data" / "ringboard.db"}')
    Accounts(sessions, bcrypt_rounds=4).register('bob', PASSWORD)
    dispose(sessions)
    # Found once the database is open, after NiceGUI is imported: not timed like a bad value (run_main).
    env = {key: value for key, value in os.environ.items() if not key.startswith(('PYTEST', 'NICEGUI_'))}
    env.update(dict.fromkeys(DOTENV_SETTINGS, ''))
    env.update(DATA_DIR=str(tmp_path / 'data'), PORT='8080', DEMO_USERS='alice,bob')
    result = subprocess.run([sys.executable, 'main.py'], cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                            timeout=60)
    assert_one_line_refusal(result, 'DEMO_USERS', '"bob" is an account registered with a password')


def test_main_refuses_a_bad_entry_with_one_line(tmp_path):
    assert_one_line_refusal(run_main(tmp_path, PORT='8080', DEMO_USERS='alice,al ice'), 'DEMO_USERS', "'al ice'")
    assert not (tmp_path / 'data').exists()


def test_two_processes_starting_at_once_both_find_the_demo_person(database_url):
    """Each process of a cluster adds DEMO_USERS at start-up: the one that loses the race finds the other's."""
    first, second = create_database(database_url), create_database(database_url)
    raced: list[Account] = []

    def meanwhile(*_) -> None:  # between the second's look-up and its insert
        if not raced:
            raced.append(Accounts(first).add_demo_person('alice'))
    event.listen(second, 'before_flush', meanwhile)
    assert Accounts(second).add_demo_person('alice', 'Alice') == replace(raced[0], display_name='Alice')
    assert [account.username for account in Accounts(first).all()] == ['alice']
    for sessions in (first, second):
        dispose(sessions)
