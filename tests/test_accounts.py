"""Accounts on a real SQLite file and on a real PostgreSQL server: the username and password rules, bcrypt, one
message for any wrong pair, the login throttle and case-insensitive uniqueness under concurrent registrations."""
from __future__ import annotations

import threading

import bcrypt
import pytest
from sqlalchemy import select

from backend import accounts as accounts_module
from backend.accounts import WRONG_CREDENTIALS, Account, AccountError, Accounts
from backend.database import User, create_database, dispose
from backend.login_throttle import LoginThrottle

PASSWORD = 'correct horse'
USERNAME_CHARS = 'A username may only use the letters A-Z and a-z, digits, dot, dash and underscore.'
USERNAME_LENGTH = 'A username has 3 to 32 characters.'


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sessions(database_url: str):
    factory = create_database(database_url)
    yield factory
    dispose(factory)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def accounts(sessions, clock) -> Accounts:
    return Accounts(sessions, LoginThrottle(clock=clock), bcrypt_rounds=4)


def stored_rows(sessions) -> list[tuple[str, str, str]]:
    with sessions() as session:
        return [tuple(row) for row in session.execute(select(User.username, User.username_key, User.password_hash))]


def refused(accounts: Accounts, action, username: str, password: str) -> str:
    with pytest.raises(AccountError) as refusal:
        action(accounts)(username, password)
    return str(refusal.value)


# --- registration: every bad input gets its own message and creates nothing ----------------------------------

BAD_USERNAMES = [
    pytest.param('', 'Please choose a username.', id='empty'),
    pytest.param('ab', USERNAME_LENGTH, id='too-short'),
    pytest.param('a' * 33, USERNAME_LENGTH, id='too-long-33'),
    pytest.param('al ice', USERNAME_CHARS, id='inner-space'),
    pytest.param(' alice', USERNAME_CHARS, id='leading-space'),
    pytest.param('alice ', USERNAME_CHARS, id='trailing-space'),
    pytest.param('alice\n', USERNAME_CHARS, id='trailing-newline'),
    pytest.param('\u0430lice', USERNAME_CHARS, id='cyrillic-a'),
    pytest.param('\uff41\uff4c\uff49\uff43\uff45', USERNAME_CHARS, id='fullwidth'),
    pytest.param('\u212aaren', USERNAME_CHARS, id='kelvin-sign-lowercases-to-k'),
    pytest.param('<img src=x onerror=alert(1)>', USERNAME_CHARS, id='html'),
    pytest.param("bob'; DROP TABLE users;--", USERNAME_CHARS, id='sql-quotes'),
]


@pytest.mark.parametrize(('username', 'message'), BAD_USERNAMES)
def test_bad_username_is_refused_and_creates_nothing(accounts, sessions, username, message):
    accounts.register('existing', PASSWORD)
    before = accounts.all()
    assert refused(accounts, lambda a: a.register, username, PASSWORD) == message
    assert accounts.all() == before
    assert len(stored_rows(sessions)) == 1


BAD_PASSWORDS = [
    pytest.param('', 'Please choose a password.', id='empty'),
    pytest.param('x' * 7, 'A password needs at least 8 characters.', id='7-bytes'),
    pytest.param('x' * 73, 'A password can be at most 72 bytes long (this one has 73).', id='73-bytes'),
    pytest.param('\u20ac' * 25, 'A password can be at most 72 bytes long (this one has 75).', id='25-chars-75-bytes'),
]


@pytest.mark.parametrize(('password', 'message'), BAD_PASSWORDS)
def test_bad_password_is_refused_and_creates_nothing(accounts, sessions, password, message):
    assert refused(accounts, lambda a: a.register, 'alice', password) == message
    assert accounts.all() == []
    assert stored_rows(sessions) == []


def test_password_with_a_lone_surrogate_is_refused_with_a_message(accounts, sessions):
    """A scripted client can send text that is not valid UTF-8: a refusal, not a UnicodeEncodeError."""
    message = refused(accounts, lambda a: a.register, 'alice', 'password\ud800')
    assert message == 'A password cannot contain this character: please choose another password.'
    assert stored_rows(sessions) == []
    accounts.register('alice', PASSWORD)
    assert refused(accounts, lambda a: a.login, 'alice', 'password\ud800') == WRONG_CREDENTIALS


def test_username_is_checked_before_password(accounts):
    assert refused(accounts, lambda a: a.register, 'ab', '') == USERNAME_LENGTH


@pytest.mark.parametrize('username', ['abc', 'a' * 32, 'A.b-c_9', '...', '0-_'])
def test_usernames_at_the_edges_of_the_rules_are_accepted(accounts, username):
    assert accounts.register(username, PASSWORD).username == username
    assert [account.username for account in accounts.all()] == [username]


def test_72_byte_password_works_and_is_not_truncated(accounts):
    password = 'p' * 71 + '!'
    assert len(password.encode()) == 72
    accounts.register('alice', password)
    assert accounts.login('alice', password).username == 'alice'
    # Anything longer is refused as a wrong password: bcrypt would have silently ignored byte 73.
    assert refused(accounts, lambda a: a.login, 'alice', password + '?') == WRONG_CREDENTIALS
    assert refused(accounts, lambda a: a.login, 'alice', 'p' * 71 + '?') == WRONG_CREDENTIALS


def test_multibyte_password_within_72_bytes_works(accounts):
    password = '\u20ac' * 24  # 24 characters, 72 bytes
    accounts.register('alice', password)
    assert accounts.login('alice', password) == accounts.all()[0]


def test_register_returns_the_account_with_its_row(accounts, sessions):
    account = accounts.register('Alice', PASSWORD)
    assert isinstance(account, Account)
    assert account.username == 'Alice'
    assert accounts.all() == [account]
    [(username, key, _)] = stored_rows(sessions)
    assert (username, key) == ('Alice', 'alice')


def test_duplicate_name_in_other_case_is_refused_with_one_row(accounts, sessions):
    accounts.register('Bob', PASSWORD)
    message = refused(accounts, lambda a: a.register, 'bob', 'another password')
    assert message == 'The username "bob" is taken. Please choose another one.'
    assert refused(accounts, lambda a: a.register, 'Bob', PASSWORD) == \
        'The username "Bob" is taken. Please choose another one.'
    assert [account.username for account in accounts.all()] == ['Bob']
    assert len(stored_rows(sessions)) == 1
    # The first owner keeps the name and the password.
    assert accounts.login('bob', PASSWORD).username == 'Bob'


def test_password_is_stored_as_bcrypt_hash_never_as_text(accounts, sessions):
    accounts.register('alice', PASSWORD)
    [(_, _, password_hash)] = stored_rows(sessions)
    assert password_hash.startswith('$2b$')
    assert PASSWORD not in password_hash
    assert bcrypt.checkpw(PASSWORD.encode(), password_hash.encode())
    accounts.register('bob', PASSWORD)
    hashes = [row[2] for row in stored_rows(sessions)]
    assert hashes[0] != hashes[1], 'every hash needs its own salt'


def test_users_and_passwords_survive_a_new_accounts_object(database_url):
    url = database_url
    first = create_database(url)
    Accounts(first, bcrypt_rounds=4).register('alice', PASSWORD)
    dispose(first)
    second = create_database(url)
    try:
        again = Accounts(second, bcrypt_rounds=4)
        assert [account.username for account in again.all()] == ['alice']
        assert again.login('alice', PASSWORD).username == 'alice'
    finally:
        dispose(second)


# --- login ---------------------------------------------------------------------------------------------------

def test_login_with_the_right_password(accounts):
    registered = accounts.register('alice', PASSWORD)
    assert accounts.login('alice', PASSWORD) == registered


def test_login_ignores_the_case_of_the_username_and_returns_the_registered_name(accounts):
    accounts.register('Alice', PASSWORD)
    assert accounts.login('aLICE', PASSWORD).username == 'Alice'


def test_wrong_username_and_wrong_password_get_the_identical_message(accounts):
    accounts.register('alice', PASSWORD)
    wrong_password = refused(accounts, lambda a: a.login, 'alice', 'not the password')
    wrong_username = refused(accounts, lambda a: a.login, 'mallory', PASSWORD)
    assert wrong_password == wrong_username == WRONG_CREDENTIALS == 'Wrong username or password.'


@pytest.mark.parametrize(('username', 'password'), [
    ('', PASSWORD), ('alice', ''), ('', ''), ('alice', 'x' * 73), ('\u0430lice', PASSWORD),
    ("alice' OR '1'='1", PASSWORD), ('alice', "' OR '1'='1"),
])
def test_odd_login_inputs_are_plain_refusals(accounts, username, password):
    accounts.register('alice', PASSWORD)
    assert refused(accounts, lambda a: a.login, username, password) == WRONG_CREDENTIALS


@pytest.fixture
def bcrypt_checks(monkeypatch) -> list[bytes]:
    """The hashes bcrypt.checkpw is asked to check, in order."""
    checked: list[bytes] = []
    real_checkpw = bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        checked.append(hashed)
        return real_checkpw(password, hashed)

    monkeypatch.setattr(accounts_module.bcrypt, 'checkpw', counting_checkpw)
    return checked


def test_unknown_username_still_costs_one_bcrypt_check(accounts, bcrypt_checks):
    """The dummy hash keeps a wrong username as slow as a wrong password (no user enumeration by timing)."""
    accounts.register('alice', PASSWORD)
    refused(accounts, lambda a: a.login, 'alice', 'not the password')
    refused(accounts, lambda a: a.login, 'nobody', 'not the password')
    assert len(bcrypt_checks) == 2
    assert bcrypt_checks[0].startswith(b'$2b$04$') and bcrypt_checks[1].startswith(b'$2b$04$')


# --- the throttle, through Accounts ------------------------------------------------------------------------

LOCKED = 'Too many failed attempts'


def fail_logins(accounts: Accounts, username: str, times: int) -> None:
    for _ in range(times):
        assert refused(accounts, lambda a: a.login, username, 'not the password') == WRONG_CREDENTIALS


def test_sixth_attempt_is_refused_even_with_the_right_password(accounts):
    accounts.register('alice', PASSWORD)
    fail_logins(accounts, 'alice', 5)
    message = refused(accounts, lambda a: a.login, 'alice', PASSWORD)
    assert message.startswith(LOCKED)
    assert 'try again in 60 seconds' in message


def test_lockout_ignores_the_case_of_the_username(accounts):
    accounts.register('alice', PASSWORD)
    fail_logins(accounts, 'ALICE', 5)
    assert refused(accounts, lambda a: a.login, 'alice', PASSWORD).startswith(LOCKED)


def test_other_usernames_are_unaffected_by_a_lockout(accounts):
    accounts.register('alice', PASSWORD)
    accounts.register('bob', PASSWORD)
    fail_logins(accounts, 'alice', 5)
    assert accounts.login('bob', PASSWORD).username == 'bob'
    assert refused(accounts, lambda a: a.login, 'alice', PASSWORD).startswith(LOCKED)


def test_login_works_again_after_the_lockout(accounts, clock):
    accounts.register('alice', PASSWORD)
    fail_logins(accounts, 'alice', 5)
    clock.now += 30
    assert 'try again in 30 seconds' in refused(accounts, lambda a: a.login, 'alice', PASSWORD)
    clock.now += 30.5
    assert accounts.login('alice', PASSWORD).username == 'alice'


def test_failures_spread_over_more_than_a_minute_do_not_lock(accounts, clock):
    accounts.register('alice', PASSWORD)
    fail_logins(accounts, 'alice', 4)
    clock.now += 61
    fail_logins(accounts, 'alice', 4)
    assert accounts.login('alice', PASSWORD).username == 'alice'


def test_a_successful_login_clears_earlier_failures(accounts):
    accounts.register('alice', PASSWORD)
    fail_logins(accounts, 'alice', 4)
    accounts.login('alice', PASSWORD)
    fail_logins(accounts, 'alice', 4)
    assert accounts.login('alice', PASSWORD).username == 'alice'


def test_unknown_usernames_lock_the_same_way(accounts):
    """A lockout for a name nobody has looks exactly like one for a real account: no way to probe names."""
    accounts.register('alice', PASSWORD)
    fail_logins(accounts, 'alice', 5)
    fail_logins(accounts, 'nobody', 5)
    assert refused(accounts, lambda a: a.login, 'alice', PASSWORD) == \
        refused(accounts, lambda a: a.login, 'nobody', PASSWORD)


def test_parallel_guesses_are_throttled_while_they_are_checked(accounts, bcrypt_checks):
    """Guesses sent at once cannot all pass the throttle before the first of them has failed."""
    accounts.register('alice', PASSWORD)
    barrier = threading.Barrier(12)
    messages: list[str] = []

    def guess() -> None:
        barrier.wait()
        messages.append(refused(accounts, lambda a: a.login, 'alice', 'not the password'))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(messages) == 12
    assert len(bcrypt_checks) <= 5
    assert messages.count(WRONG_CREDENTIALS) == len(bcrypt_checks)
    assert all(message.startswith(LOCKED) for message in messages if message != WRONG_CREDENTIALS)
    assert refused(accounts, lambda a: a.login, 'alice', PASSWORD).startswith(LOCKED)


# --- concurrent registration -------------------------------------------------------------------------------

def register_at_once(accounts: Accounts, names: list[str]) -> dict[str, object]:
    """Register every name from its own thread, all released together; the account or the exception per name."""
    barrier = threading.Barrier(len(names))
    results: dict[str, object] = {}

    def register(name: str) -> None:
        barrier.wait()
        try:
            results[name] = accounts.register(name, PASSWORD)
        except Exception as error:  # anything but AccountError fails the caller's assertions
            results[name] = error

    threads = [threading.Thread(target=register, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_concurrent_registrations_of_one_name_in_two_cases(accounts, sessions):
    for round_ in range(6):
        results = register_at_once(accounts, [f'Carol{round_}', f'carol{round_}'])
        winners = [name for name, result in results.items() if isinstance(result, Account)]
        losers = [name for name, result in results.items() if not isinstance(result, Account)]
        assert len(winners) == 1, results
        [loser] = losers
        assert isinstance(results[loser], AccountError), repr(results[loser])
        assert str(results[loser]) == f'The username "{loser}" is taken. Please choose another one.'
        rows = [row for row in stored_rows(sessions) if row[1] == f'carol{round_}']
        assert len(rows) == 1
        assert rows[0][0] == winners[0]
    assert len(accounts.all()) == 6


def test_concurrent_registrations_of_different_names_all_succeed(accounts):
    names = [f'user{index}' for index in range(6)]
    results = register_at_once(accounts, names)
    assert all(isinstance(result, Account) for result in results.values()), results
    assert sorted(account.username for account in accounts.all()) == names


def test_losing_the_race_after_the_check_is_the_taken_message(accounts, sessions):
    """The unique index, not the read-before-insert check, is what keeps "Carol" and "carol" one name."""
    accounts.register('carol', PASSWORD)

    class CheckSeesNothing:
        """Sessions whose existence check runs before the other registration committed."""

        def __call__(self):
            session = sessions()
            session.scalar = lambda *args, **kwargs: None
            return session

    racing = Accounts(CheckSeesNothing(), bcrypt_rounds=4)
    assert refused(racing, lambda a: a.register, 'Carol', PASSWORD) == \
        'The username "Carol" is taken. Please choose another one.'
    assert [row[0] for row in stored_rows(sessions)] == ['carol']
    assert accounts.register('dave', PASSWORD).username == 'dave'  # the database is still usable


def test_a_theme_pick_is_kept_with_the_account_and_a_wrong_one_is_refused(accounts) -> None:
    accounts.register('alice', 'correct horse')
    assert accounts.theme_of('alice') is None  # follows the system
    accounts.set_theme('alice', 'dark')
    assert accounts.theme_of('Alice') == 'dark'
    with pytest.raises(AccountError, match='no theme'):
        accounts.set_theme('alice', 'purple')
    assert accounts.theme_of('alice') == 'dark'
    accounts.set_theme('alice', None)
    assert accounts.theme_of('alice') is None
