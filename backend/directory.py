"""Every registered account, kept in memory: the directory is read on every dashboard; accounts are added and
renamed (display names), never removed."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .accounts import Account
from .signal import Signal


class Directory:
    def __init__(self, accounts: Iterable[Account] = ()) -> None:
        self._by_key = {account.username.lower(): account for account in accounts}
        self._name_count = Counter(account.display_name.casefold() for account in self._by_key.values()
                                   if account.display_name)
        self._by_id = {account.id: account for account in self._by_key.values()}  # Agora Signaling's user ids
        self.added: Signal[Account] = Signal()
        self.renamed: Signal[list[str]] = Signal()  # the usernames whose label changed

    def add(self, account: Account) -> None:
        if account.username.lower() not in self._by_key:
            self._by_key[account.username.lower()] = account
            self._by_id[account.id] = account
            self.added.emit(account)

    def rename(self, account: Account) -> None:
        """Take `account`'s new display name; everyone whose label changes with it is in one `renamed` signal."""
        old = self._by_key.get(account.username.lower())
        if old is None or old.display_name == account.display_name:
            return
        names = {old.display_name.casefold(), account.display_name.casefold()} - {''}
        sharing = [user.username for user in self._by_key.values() if user.display_name.casefold() in names]
        if old.display_name:
            self._name_count[old.display_name.casefold()] -= 1
        if account.display_name:
            self._name_count[account.display_name.casefold()] += 1
        self._by_key[account.username.lower()] = account
        self._by_id[account.id] = account
        self.renamed.emit(sorted({account.username, *sharing}))

    def get(self, username: str) -> Account | None:
        return self._by_key.get(username.lower())

    def label(self, username: str) -> str:
        """How the user is shown: the display name, with the username beside it when someone else has the same
        display name; the username when they chose none."""
        account = self.get(username)
        if account is None or not account.display_name:
            return username
        if self._name_count[account.display_name.casefold()] > 1:
            return f'{account.display_name} ({account.username})'
        return account.display_name

    def by_id(self, number: int) -> Account | None:
        return self._by_id.get(number)

    def registered_name(self, name: str) -> str | None:
        """The name as it was registered ("bob" -> "Bob"), or None for an unknown user."""
        account = self.get(name)
        return account.username if account else None

    def all(self) -> list[Account]:
        return sorted(self._by_key.values(), key=lambda account: account.username.lower())

    def __len__(self) -> int:
        return len(self._by_key)
