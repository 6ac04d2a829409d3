"""Display names and password changes in the backend: the rule (1-64 code points, any script, trimmed, empty clears),
the directory's labels (the username beside a shared name) and its one rename signal, and a password change checked
and slowed down exactly as a login is."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.accounts import Account, AccountError, Accounts
from backend.database import create_database, dispose
from backend.directory import Directory
from backend.login_throttle import LoginThrottle

PASSWORD = 'correct horse'


@pytest.fixture
def accounts(tmp_path: Path):
    sessions = create_database(f'sqlite:///{tmp_path}/a.db')
    yield Accounts(sessions, LoginThrottle(max_failures=3), bcrypt_rounds=4)
    dispose(sessions)


def test_a_display_name_is_trimmed_kept_and_cleared(accounts):
    accounts.register('alice', PASSWORD)
    assert accounts.set_display_name('ALICE', '  Алиса 王 🎉 ').display_name == 'Алиса 王 🎉'
    assert accounts.all()[0].display_name == 'Алиса 王 🎉'
    assert accounts.login('alice', PASSWORD).display_name == 'Алиса 王 🎉'
    assert accounts.set_display_name('alice', '   ').display_name == ''
    assert accounts.all()[0].display_name == ''
    assert accounts.set_display_name('alice', '字' * 64).display_name == '字' * 64
    family = 'می‌خواهم 👨‍👩‍👧'  # a zero-width non-joiner and joiners belong to the name
    assert accounts.set_display_name('alice', family).display_name == family


@pytest.mark.parametrize(('name', 'message'), [
    ('x' * 65, 'at most 64 characters (this one has 65)'),
    ('Alice\nJohnson', 'line breaks'),
    ('\udcff', 'cannot contain this character'),
])
def test_a_bad_display_name_is_refused_and_changes_nothing(accounts, name, message):
    accounts.register('alice', PASSWORD)
    accounts.set_display_name('alice', 'Alice')
    with pytest.raises(AccountError, match=re.escape(message)):
        accounts.set_display_name('alice', name)
    assert accounts.all()[0].display_name == 'Alice'


def test_demo_people_get_their_display_name_once(accounts):
    assert accounts.add_demo_person('alice', 'Alice Johnson').display_name == 'Alice Johnson'
    accounts.set_display_name('alice', 'Ali')
    assert accounts.add_demo_person('alice', 'Alice Johnson').display_name == 'Ali', 'their own choice stays'


def test_labels_show_the_username_beside_a_shared_name_and_renames_are_signalled():
    directory = Directory(accounts_of(('alice', 'Alice'), ('bob', ''), ('carol', 'Alice')))
    assert [directory.label(user) for user in ('alice', 'bob', 'carol', 'nobody')] == \
        ['Alice (alice)', 'bob', 'Alice (carol)', 'nobody']
    signals = []
    directory.renamed.connect(signals.append)
    directory.rename(account_of('carol', 'Carol'))
    assert signals == [['alice', 'carol']], 'alice no longer shares her name: her label changed too'
    assert (directory.label('alice'), directory.label('carol')) == ('Alice', 'Carol')
    directory.rename(account_of('bob', 'ALICE'))
    assert signals[-1] == ['alice', 'bob']
    assert (directory.label('alice'), directory.label('bob')) == ('Alice (alice)', 'ALICE (bob)')
    directory.rename(account_of('bob', 'ALICE'))
    assert len(signals) == 2, 'no change, no signal'


def test_a_password_change_checks_the_current_one_like_a_login(accounts):
    accounts.register('alice', PASSWORD)
    with pytest.raises(AccountError, match='A password needs at least 8 characters'):
        accounts.change_password('alice', PASSWORD, 'short')
    for _ in range(3):
        with pytest.raises(AccountError, match='Your current password is not right'):
            accounts.change_password('alice', 'wrong password', 'a new password')
    with pytest.raises(AccountError, match='Too many failed attempts'):
        accounts.change_password('alice', PASSWORD, 'a new password')  # slowed down: even the right one waits


def test_a_changed_password_replaces_the_old_one(accounts):
    accounts.register('alice', PASSWORD)
    accounts.change_password('alice', PASSWORD, 'a new password')
    assert accounts.login('alice', 'a new password').username == 'alice'
    with pytest.raises(AccountError):
        accounts.login('alice', PASSWORD)


def test_a_demo_person_cannot_set_a_password(accounts):
    accounts.add_demo_person('alice')
    with pytest.raises(AccountError, match='Your current password is not right'):
        accounts.change_password('alice', '', 'a new password')


def account_of(username: str, display_name: str) -> Account:
    return Account(username, hash(username) % 1000, display_name)


def accounts_of(*people: tuple[str, str]) -> list[Account]:
    return [account_of(username, name) for username, name in people]
