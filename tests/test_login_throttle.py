"""LoginThrottle on a fake clock: 5 failures within a minute lock a key for a minute."""
from __future__ import annotations

import threading

import pytest

from backend.login_throttle import LoginThrottle


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def throttle(clock) -> LoginThrottle:
    return LoginThrottle(clock=clock)


def fail(throttle: LoginThrottle, key: str, times: int) -> None:
    for _ in range(times):
        throttle.record_failure(key)


def test_defaults_are_five_failures_per_minute_and_a_minute_lockout():
    throttle = LoginThrottle()
    assert (throttle.max_failures, throttle.window, throttle.lockout) == (5, 60.0, 60.0)


def test_an_unknown_key_is_not_locked(throttle):
    assert throttle.seconds_locked('alice') == 0


def test_four_failures_do_not_lock(throttle):
    fail(throttle, 'alice', 4)
    assert throttle.seconds_locked('alice') == 0


def test_the_fifth_failure_locks_for_a_minute(throttle, clock):
    fail(throttle, 'alice', 5)
    assert throttle.seconds_locked('alice') == 60
    clock.now += 59.2
    assert throttle.seconds_locked('alice') == 1  # never 0 while still locked
    clock.now += 0.8
    assert throttle.seconds_locked('alice') == 0


def test_remaining_seconds_count_down(throttle, clock):
    fail(throttle, 'alice', 5)
    clock.now += 15
    assert throttle.seconds_locked('alice') == 45


def test_other_keys_are_not_locked(throttle):
    fail(throttle, 'alice', 5)
    assert throttle.seconds_locked('bob') == 0
    fail(throttle, 'bob', 4)
    assert throttle.seconds_locked('bob') == 0


def test_failures_older_than_the_window_are_forgotten(throttle, clock):
    fail(throttle, 'alice', 4)
    clock.now += 60
    fail(throttle, 'alice', 4)
    assert throttle.seconds_locked('alice') == 0
    fail(throttle, 'alice', 1)
    assert throttle.seconds_locked('alice') == 60


def test_failures_inside_a_sliding_window_lock(throttle, clock):
    for _ in range(5):
        throttle.record_failure('alice')
        clock.now += 14  # 5 failures over 56 s
    assert throttle.seconds_locked('alice') > 0


def test_success_clears_the_failures(throttle):
    fail(throttle, 'alice', 4)
    throttle.record_success('alice')
    fail(throttle, 'alice', 4)
    assert throttle.seconds_locked('alice') == 0


def test_after_a_lockout_the_count_starts_again(throttle, clock):
    fail(throttle, 'alice', 5)
    clock.now += 60
    assert throttle.seconds_locked('alice') == 0
    fail(throttle, 'alice', 4)
    assert throttle.seconds_locked('alice') == 0
    fail(throttle, 'alice', 1)
    assert throttle.seconds_locked('alice') == 60


def test_custom_limits(clock):
    throttle = LoginThrottle(max_failures=2, window=10, lockout=300, clock=clock)
    fail(throttle, 'alice', 2)
    assert throttle.seconds_locked('alice') == 300


def test_concurrent_failures_are_all_counted(clock):
    throttle = LoginThrottle(max_failures=400, clock=clock)
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        fail(throttle, 'alice', 50)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert throttle.seconds_locked('alice') == 60


def test_attempts_under_way_count_toward_the_limit(throttle):
    assert [throttle.begin('alice') for _ in range(5)] == [0] * 5
    assert throttle.begin('alice') == 1  # five guesses are being checked: the sixth waits for them
    assert throttle.begin('bob') == 0
    fail(throttle, 'alice', 5)
    assert throttle.begin('alice') == 60


def test_an_attempt_with_an_outcome_frees_its_place(throttle):
    for _ in range(5):
        throttle.begin('alice')
    throttle.cancel('alice')  # e.g. the database failed: neither a failure nor a success
    assert throttle.begin('alice') == 0
    throttle.record_success('alice')
    assert throttle.begin('alice') == 0
    assert throttle.seconds_locked('alice') == 0


def test_failures_with_attempts_under_way_count_together(throttle):
    fail(throttle, 'alice', 3)
    assert [throttle.begin('alice') for _ in range(3)] == [0, 0, 1]


def test_records_of_names_that_stopped_failing_are_swept(throttle, clock):
    for index in range(1000):  # one wrong guess each for many names
        throttle.begin(f'name{index}')
        throttle.record_failure(f'name{index}')
    fail(throttle, 'locked', 5)
    assert len(throttle._failures) == 1000 and len(throttle._locked_until) == 1
    clock.now += 61
    throttle.record_failure('fresh')
    assert set(throttle._failures) == {'fresh'} and not throttle._locked_until and not throttle._in_flight
