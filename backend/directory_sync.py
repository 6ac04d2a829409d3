"""With `REDIS_URL`: every process's directory follows the shared database.

A process that adds or renames an account counts it in Redis (`accounts_changed`, one INCR); every process looks at
that count every `POLL_SECONDS` and, when it moved, reads the accounts from the database again and takes what is new
or renamed into its own directory (whose signals then update its dashboards). A count, not a message: a process
that missed a change (pub/sub is at-most-once) still sees the count differ.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from .accounts import Account, Accounts
from .directory import Directory
from .redis_client import connect

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0


class DirectorySync:
    def __init__(self, url: str, accounts: Accounts, directory: Directory, prefix: str = 'ringboard:',
                 socket_timeout: float = 1.0) -> None:
        self._redis = connect(url, socket_timeout)
        self._key = f'{prefix}accounts_changed'
        self._accounts = accounts
        self._directory = directory
        self._taking = False  # while taking others' changes: they are not announced again
        self._seen = self._count()
        directory.added.connect(lambda _account: self._announce())
        directory.renamed.connect(lambda _usernames: self._announce())

    def _count(self) -> str | None:
        return self._redis.get(self._key)

    def _announce(self) -> None:
        if self._taking:
            return
        count = self._redis.incr(self._key)
        if count == int(self._seen or 0) + 1:  # only this change since the last look; else look again
            self._seen = str(count)

    def take(self, accounts: list[Account]) -> None:
        """Bring the directory up to `accounts` (read from the shared database)."""
        self._taking = True
        try:
            for account in accounts:
                if self._directory.get(account.username) is None:
                    self._directory.add(account)
                else:
                    self._directory.rename(account)
        finally:
            self._taking = False

    async def catch_up(self, io_bound: Callable[..., Awaitable]) -> None:
        """Read the accounts now (e.g. someone who registered through another process a moment ago);
        `io_bound` runs the database read off the event loop."""
        self._seen = self._count()
        self.take(await io_bound(self._accounts.all))

    async def follow(self, io_bound: Callable[..., Awaitable]) -> None:
        """For good: take other processes' changes as they are counted."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                if self._count() != self._seen:
                    await self.catch_up(io_bound)
            except Exception as error:  # Redis or the database away: asked again next time
                log.warning('could not follow the accounts of other processes: %s', error)

    def close(self) -> None:
        self._redis.close()
