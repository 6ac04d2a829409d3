"""Every registered account, kept in memory: the directory is read on every dashboard, accounts are only added."""
from __future__ import annotations

from collections.abc import Iterable

from .accounts import Account
from .signal import Signal


class Directory:
    def __init__(self, accounts: Iterable[Account] = ()) -> None:
        self._by_key = {account.username.lower(): account for account in accounts}
        self.added: Signal[Account] = Signal()

    def add(self, account: Account) -> None:
        if account.username.lower() not in self._by_key:
            self._by_key[account.username.lower()] = account
            self.added.emit(account)

    def get(self, username: str) -> Account | None:
        return self._by_key.get(username.lower())

    def registered_name(self, name: str) -> str | None:
        """The name as it was registered ("bob" -> "Bob"), or None for an unknown user."""
        account = self.get(name)
        return account.username if account else None

    def all(self) -> list[Account]:
        return sorted(self._by_key.values(), key=lambda account: account.username.lower())

    def __len__(self) -> int:
        return len(self._by_key)
