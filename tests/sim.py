"""Steps for NiceGUI's simulated users (no browser, no JavaScript)."""
from __future__ import annotations

import asyncio

from nicegui.testing import User

PASSWORD = 'correct horse'


async def register(user: User, username: str) -> None:
    await user.open('/register')
    user.find(marker='register-username').type(username)
    user.find(marker='register-password').type(PASSWORD)
    user.find(marker='register-password-confirm').type(PASSWORD)
    user.find(marker='register-submit').click()
    await user.should_see(marker='me', content=username, retries=100)  # bcrypt on a loaded machine


async def should_read(user: User, marker: str, text: str, retries: int = 20) -> None:
    """Wait until the element with `marker` shows exactly `text` (presence is published in batches)."""
    await user.should_see(marker=marker, content=text, retries=retries)
    element = next(iter(user.find(marker=marker).elements))
    assert element.text == text, f'{marker} reads {element.text!r}, expected {text!r}'


def close_tab(user: User) -> None:
    """What NiceGUI does when a tab is closed and its reconnect window has passed."""
    user.client.delete()


def history(user: User) -> list[str]:
    """The text of each history entry on the user's dashboard, newest first."""
    items = [element for element in user.current_layout.descendants() if 'history-item' in element._markers]
    return [f"{item.props['peer']} {item.text}" for item in items]  # ui/components/history_row.py


async def should_have_history(user: User, *expected: str, timeout: float = 3.0) -> None:
    """Wait until the history holds exactly one entry per expected fragment, in that order."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        entries = history(user)
        if len(entries) == len(expected) and all(part in entry for part, entry in zip(expected, entries, strict=True)):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f'history is {entries}, expected {list(expected)}')
        await asyncio.sleep(0.05)
