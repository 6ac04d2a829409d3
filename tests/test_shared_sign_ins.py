"""The sign-ins in the real Redis (backend/shared_sign_ins.py), as every process with REDIS_URL sees them."""
from __future__ import annotations

import time
import uuid

import pytest
import redis

from backend.shared_sign_ins import SharedSignIns

DAY = 86400


@pytest.fixture
def shared(redis_server):
    prefix = f'test-{uuid.uuid4().hex}:'
    processes = [SharedSignIns(redis_server.url, lifetime=14 * DAY, prefix=prefix) for _ in range(2)]
    yield processes
    for process in processes:
        process.close()


def test_a_sign_in_made_by_one_process_is_read_by_another_and_expires_with_the_session_cookie(shared, redis_server):
    one, two = shared
    one.sign_in('browser-a', 'Alice')
    assert two.username('browser-a') == 'Alice'
    assert two.usernames(['browser-a', 'browser-b']) == {'browser-a': 'Alice', 'browser-b': None}
    assert two.username('') is None
    client = redis.Redis.from_url(redis_server.url)
    [key] = [key for key in client.keys('test-*:sign-in:browser-a') if client.get(key) == b'Alice']
    ttl = client.ttl(key)
    client.close()
    assert 14 * DAY - 60 < ttl <= 14 * DAY  # SESSION_DAYS, as the cookie's max_age


def test_a_sign_out_by_one_process_ends_the_sign_in_for_every_process(shared):
    one, two = shared
    one.sign_in('browser-a', 'alice')
    two.sign_out('browser-a')
    assert one.username('browser-a') is None


def test_a_password_change_ends_every_other_sign_in_of_that_user_only(shared):
    one, two = shared
    for browser in ('a', 'b', 'c'):
        one.sign_in(browser, 'alice')
    two.sign_in('d', 'bob')
    two.sign_out_others('ALICE', keep='b')  # usernames are one name in any case
    assert one.usernames(['a', 'b', 'c', 'd']) == {'a': None, 'b': 'alice', 'c': None, 'd': 'bob'}


def test_a_ticket_works_once_for_its_own_browser_only_and_expires(shared):
    one, two = shared
    one.put_ticket('t1', 'browser-a', 'alice', seconds=30)
    assert two.take_ticket('t1', browser='browser-x') is None  # another browser's guess ...
    assert two.take_ticket('t1', browser='browser-a') == 'alice'  # ... left it to its owner
    assert one.take_ticket('t1', browser='browser-a') is None  # used once
    one.put_ticket('t2', 'browser-a', '', seconds=30)
    assert two.take_ticket('t2', browser='browser-a') == ''  # a sign-out's ticket
    one.put_ticket('t3', 'browser-a', 'alice', seconds=0.05)
    time.sleep(0.2)
    assert two.take_ticket('t3', browser='browser-a') is None
