"""The directory with NiceGUI's simulated users: online first, capped rows that are reused and re-sorted, search."""
from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User

from ui.components import user_directory

from .sim import PASSWORD, close_tab, register, should_read


def rows(user: User) -> list[ui.element]:
    """The directory rows on the user's dashboard, top to bottom."""
    return [element for element in user.current_layout.descendants()
            if any(marker.startswith('user-') for marker in element._markers)]


def names(user: User) -> list[str]:
    return [next(marker for marker in row._markers if marker.startswith('user-'))[5:] for row in rows(user)]


async def should_list(user: User, *expected: str) -> None:
    for _ in range(60):
        if names(user) == list(expected):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f'the directory lists {names(user)}, expected {list(expected)}')


async def test_online_first_capped_resorted_in_place_and_searchable(create_user, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(user_directory, 'MAX_ROWS', 3)
    people = {}
    for name in ('amy', 'ben', 'cat', 'dan', 'eve'):
        people[name] = create_user()
        await register(people[name], name)
    eve = people['eve']
    for name in ('amy', 'ben'):
        close_tab(people[name])
    await should_read(eve, 'status-amy', 'offline')
    await should_list(eve, 'cat', 'dan', 'amy')  # online first, then by name; three rows at most
    await eve.should_see('1 more: search to find them.')
    cat_row = rows(eve)[0]

    again = create_user()  # amy logs in again: she moves up, ben's turn to wait for a search
    await again.open('/login')
    again.find(marker='login-username').type('amy')
    again.find(marker='login-password').type(PASSWORD)
    again.find(marker='login-submit').click()
    await again.should_see(marker='me', content='amy', retries=40)
    await should_read(eve, 'status-amy', 'online')
    await should_list(eve, 'amy', 'cat', 'dan')
    assert rows(eve)[1] is cat_row  # re-sorted, not rebuilt

    earlier = rows(eve)
    eve.find(marker='directory-search').type('B')
    await should_list(eve, 'ben')
    assert any(rows(eve)[0] is row for row in earlier)  # a row that left the view was handed to ben
    await should_read(eve, 'status-ben', 'offline')
    eve.find(marker='call-ben').click()  # and it calls ben, not whom it showed before
    await should_read(eve, 'call-notice', 'ben is offline')
    eve.find(marker='directory-search').clear()
    eve.find(marker='directory-search').type('nobody-like-this')
    await should_list(eve)
    await eve.should_see('No one matches your search.')


async def test_a_row_is_one_update_per_change_and_none_when_unchanged(create_user, monkeypatch: pytest.MonkeyPatch):
    # Every open dashboard re-labels its rows at each batch of logins near the top: one update per row, not two.
    amy, eve = create_user(), create_user()
    await register(amy, 'amy')
    await register(eve, 'eve')
    await should_read(eve, 'status-amy', 'online')
    [row] = rows(eve)
    updates = []
    monkeypatch.setattr(eve.client.outbox, 'enqueue_update', updates.append)

    row.show('amy', 'online', 'amy')
    assert updates == []
    row.show('amy', 'busy', 'amy')
    assert updates == [row]
    row.show('bob', 'offline', 'bob')  # handed to someone else
    assert updates == [row, row]
    assert (row.user, row.text, row.props['color']) == ('bob', 'offline', 'grey-8')
    assert row.props['avatar']['user'] == 'bob'  # the avatar goes with the row's person
    assert {'user-bob', 'status-bob', 'call-bob', 'name-bob'} <= set(row._markers)
    assert row._to_dict()['text'] == 'offline'  # what the browser's badge shows
