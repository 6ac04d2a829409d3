"""The budgets against abuse, on a fake clock: logins per (name, address) and per address, registrations per
address, unanswered calls per caller and callee. Each protects without locking anyone else out."""
from __future__ import annotations

from pathlib import Path

import pytest

from backend.accounts import WRONG_CREDENTIALS, AccountError, Accounts
from backend.call_registry import CallRegistry
from backend.database import create_database, dispose
from backend.invite_limit import ANYONE, SAME_PERSON, InviteLimit
from backend.login_throttle import LoginThrottle
from backend.rate_limit import RateLimit

PASSWORD = 'correct horse'
LOCKED = 'Too many failed attempts for this username. Please try again in'


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def time(self) -> float:  # the registry's clock interface
        return self.now

    def call_later(self, delay, callback):
        return _NoTimer()


class _NoTimer:
    def cancel(self) -> None:
        pass


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def accounts(tmp_path: Path, clock):
    sessions = create_database(f'sqlite:///{tmp_path}/a.db')
    yield Accounts(sessions, LoginThrottle(clock=clock), bcrypt_rounds=4, registrations=RateLimit(10, 600, clock),
                   address_throttle=LoginThrottle(max_failures=20, clock=clock))
    dispose(sessions)


def refusal(action, *args) -> str:
    with pytest.raises(AccountError) as refused:
        action(*args)
    return str(refused.value)


# --- the sliding window ------------------------------------------------------------------------------------

def test_a_rate_limit_allows_its_budget_then_says_how_long_to_wait(clock):
    limit = RateLimit(3, 60, clock)
    assert [limit.take('a') for _ in range(3)] == [0, 0, 0]
    clock.now += 10
    assert limit.take('a') == 50  # the first event leaves the window in 50 s
    assert limit.take('b') == 0  # other keys have their own budget
    clock.now += 50
    assert limit.take('a') == 0


def test_a_refused_event_is_not_counted(clock):
    limit = RateLimit(1, 60, clock)
    limit.take('a')
    for _ in range(100):
        assert limit.take('a') > 0
    clock.now += 60
    assert limit.take('a') == 0


def test_forgotten_keys_and_stale_ones_take_no_memory(clock):
    limit = RateLimit(1, 60, clock)
    for index in range(500):
        limit.take(index)
    limit.forget(0)
    clock.now += 61
    limit.take('fresh')
    assert set(limit._events) == {'fresh'}


# --- logins: per (name, address), and per address ------------------------------------------------------------

def test_guesses_from_one_address_do_not_lock_the_user_out_elsewhere(accounts):
    """The finding: five wrong passwords from anywhere locked the real user out (a case variant too)."""
    accounts.register('alice', PASSWORD, '10.0.0.1')
    for name in ('alice', 'ALICE', 'Alice', 'alice', 'aLiCe'):
        assert refusal(accounts.login, name, 'wrong password', '203.0.113.9') == WRONG_CREDENTIALS
    assert refusal(accounts.login, 'alice', PASSWORD, '203.0.113.9').startswith(LOCKED)  # the guesser is locked
    assert refusal(accounts.login, 'Alice', PASSWORD, '203.0.113.9').startswith(LOCKED)  # in any case
    assert accounts.login('alice', PASSWORD, '10.0.0.1').username == 'alice'  # the real user is not


def test_one_address_guessing_many_names_runs_out_of_its_budget(accounts):
    accounts.register('alice', PASSWORD, '10.0.0.1')
    for index in range(20):  # four names, five guesses each: no name alone is locked
        assert refusal(accounts.login, f'name{index % 4}', 'wrong password', '203.0.113.9') == WRONG_CREDENTIALS
    message = refusal(accounts.login, 'alice', PASSWORD, '203.0.113.9')
    assert message.startswith(LOCKED) and message.endswith('60 seconds.')
    assert accounts.login('alice', PASSWORD, '10.0.0.1').username == 'alice'


def test_the_address_budget_opens_again_after_its_lockout(accounts, clock):
    accounts.register('alice', PASSWORD, '10.0.0.1')
    for index in range(20):
        refusal(accounts.login, f'name{index}', 'wrong password', '203.0.113.9')
    clock.now += 61
    assert accounts.login('alice', PASSWORD, '203.0.113.9').username == 'alice'


# --- registrations per address -----------------------------------------------------------------------------

def test_registrations_from_one_address_are_limited_with_words(accounts, clock):
    for index in range(10):
        accounts.register(f'user{index}', PASSWORD, '203.0.113.9')
    message = refusal(accounts.register, 'user10', PASSWORD, '203.0.113.9')
    assert message == 'Too many new accounts from your network. Please try again in 10 minutes.'
    assert {account.username for account in accounts.all()} == {f'user{index}' for index in range(10)}
    assert accounts.register('someone', PASSWORD, '10.0.0.1').username == 'someone'  # elsewhere: fine
    clock.now += 600
    assert accounts.register('user10', PASSWORD, '203.0.113.9').username == 'user10'


def test_a_refused_form_does_not_use_the_registration_budget(accounts):
    for _ in range(20):
        assert refusal(accounts.register, 'x', PASSWORD, '203.0.113.9') == 'A username has 3 to 32 characters.'
    assert accounts.register('alice', PASSWORD, '203.0.113.9').username == 'alice'


# --- unanswered calls --------------------------------------------------------------------------------------

@pytest.fixture
def calls(clock):
    online = {'alice', 'bob', 'carol'}
    registry = CallRegistry(resolve_user=lambda name: name.lower() if name.lower() in online else None,
                            is_online=lambda user: True, clock=clock)
    limit = InviteLimit(clock)
    registry.changed.connect(limit.observe)
    return registry, limit


def ring_unanswered(registry: CallRegistry, caller: str, callee: str) -> None:
    call = registry.invite(caller, callee)
    registry.cancel(call.id, caller)


def test_unanswered_calls_to_one_person_are_limited(calls, clock):
    registry, limit = calls
    for _ in range(SAME_PERSON):
        assert limit.refusal('alice', 'bob') is None
        ring_unanswered(registry, 'alice', 'bob')
    assert limit.refusal('alice', 'bob') == 'bob has not answered your last calls. You can call again in 10 minutes.'
    assert limit.refusal('alice', 'Bob').startswith('Bob has not answered')  # any case of the name
    assert limit.refusal('alice', 'carol') is None
    assert limit.refusal('carol', 'bob') is None  # others may still call bob
    clock.now += 600
    assert limit.refusal('alice', 'bob') is None


def test_a_decline_is_the_callees_choice_and_does_not_count(calls):
    registry, limit = calls
    for _ in range(SAME_PERSON + 1):
        call = registry.invite('alice', 'bob')
        registry.decline(call.id, 'bob')
    assert limit.refusal('alice', 'bob') is None


def test_calls_that_ring_out_count(calls, clock):
    registry, limit = calls
    for _ in range(SAME_PERSON):
        call = registry.invite('alice', 'bob')
        registry._expire(registry._deadline(call))  # its ring deadline comes
    assert limit.refusal('alice', 'bob') is not None


def test_an_answer_or_a_call_back_clears_the_count(calls):
    registry, limit = calls
    for _ in range(SAME_PERSON):
        ring_unanswered(registry, 'alice', 'bob')
    call = registry.invite('bob', 'alice')  # bob calls back: alice's calls had their answer
    assert limit.refusal('alice', 'bob') is None
    registry.cancel(call.id, 'bob')
    for _ in range(SAME_PERSON - 1):
        ring_unanswered(registry, 'alice', 'bob')
    call = registry.invite('alice', 'bob')
    registry.accept(call.id, 'bob')
    registry.hang_up(call.id, 'bob')
    assert limit.refusal('alice', 'bob') is None


def test_unanswered_calls_to_everyone_are_limited_too(calls, clock):
    registry, limit = calls
    people = [f'p{index}' for index in range(ANYONE)]
    registry._resolve_user = lambda name: name
    for person in people:
        ring_unanswered(registry, 'alice', person)
    assert limit.refusal('alice', 'someone') == 'Too many unanswered calls. You can call again in 10 minutes.'


def test_calls_that_end_at_once_do_not_count(clock):
    registry = CallRegistry(resolve_user=lambda name: name, is_online=lambda user: False, clock=clock)
    limit = InviteLimit(clock)
    registry.changed.connect(limit.observe)
    for _ in range(10):
        registry.invite('alice', 'bob')  # offline: nobody rang, nobody was kept busy
    assert limit.refusal('alice', 'bob') is None
