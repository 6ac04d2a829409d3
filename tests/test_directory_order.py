"""The directory's order: online (and busy) first, then by name; kept sorted as statuses change."""
from __future__ import annotations

import random

from backend.directory_order import DirectoryOrder
from backend.presence import BUSY, OFFLINE, ONLINE


def test_online_and_busy_first_then_by_name_case_insensitively():
    order = DirectoryOrder({'dan': OFFLINE, 'Amy': OFFLINE, 'cat': ONLINE, 'ben': BUSY, 'eve': ONLINE})
    assert order.first(10) == (['ben', 'cat', 'eve', 'Amy', 'dan'], 5)
    assert order.first(2) == (['ben', 'cat'], 5)


def test_first_leaves_out_me_and_counts_everyone_else():
    order = DirectoryOrder({'amy': ONLINE, 'ben': ONLINE, 'cat': OFFLINE})
    assert order.first(2, skip='amy') == (['ben', 'cat'], 2)
    assert order.first(2, skip='nobody') == (['amy', 'ben'], 3)
    assert order.first(5, needle='a', skip='amy') == (['cat'], 1)


def test_updates_move_users_and_add_new_ones():
    order = DirectoryOrder({'amy': OFFLINE, 'ben': ONLINE})
    order.update({'amy': ONLINE, 'ben': OFFLINE, 'zoe': ONLINE})
    assert order.first(10) == (['amy', 'zoe', 'ben'], 3)
    order.update({'zoe': BUSY})  # same rank: same place
    assert order.first(10) == (['amy', 'zoe', 'ben'], 3)
    assert (order.status('zoe'), order.status('nobody'), len(order), 'zoe' in order) == (BUSY, OFFLINE, 3, True)


def test_random_updates_keep_the_order_a_full_sort_gives():
    rng = random.Random(7)
    names = [f'{rng.choice("abcAB")}{i}' for i in range(60)]
    truth = {name: OFFLINE for name in names[:40]}
    order = DirectoryOrder(truth)
    for _ in range(300):
        batch = {rng.choice(names): rng.choice((ONLINE, BUSY, OFFLINE)) for _ in range(rng.randint(1, 6))}
        order.update(batch)
        truth.update(batch)
        expected = sorted(truth, key=lambda user: (truth[user] == OFFLINE, user.lower(), user))
        assert order.first(len(names)) == (expected, len(truth))
        needle = rng.choice('ab1')
        matches = [user for user in expected if needle in user.lower()]
        assert order.first(5, needle=needle) == (matches[:5], len(matches))
