"""Sign-ins in Redis, shared by every process with the same `REDIS_URL`: a sign-in made through one process holds
on every other, and ends on every one when it ends.

Keys, all under `prefix`: `sign-in:<browser id>` the username signed in with that browser id, expiring with the
session cookie (`SESSION_DAYS`); `sign-ins-of:<username>` the browser ids ever signed in as that user (for a
password change's "sign out everywhere else"); `ticket:<browser id>:<ticket>` a one-time ticket of ui/session.py's
sign-in hop, for that browser id only, taken with GETDEL: whichever process gets the hop, a ticket works once.
Not NiceGUI's own Redis storage (`NICEGUI_REDIS_URL`): that one opens a Redis connection and a subscription for
every open tab. The synchronous client, as for the call registry (backend/redis_call_store.py): one loopback round
trip per page request.
"""
from __future__ import annotations

from collections.abc import Iterable

from .redis_client import connect, redis_errors_as


class SignInsUnavailable(ConnectionError):
    """Redis does not answer: no sign-in can be checked, made or ended until it does (nothing is lost: they stay
    in Redis)."""


# A lost Redis reaches the pages as one exception they say plainly, not as an error page.
_answering = redis_errors_as(SignInsUnavailable)


class SharedSignIns:
    def __init__(self, url: str, lifetime: float, prefix: str = 'ringboard:', socket_timeout: float = 1.0) -> None:
        self._redis = connect(url, socket_timeout, check=True)
        self._lifetime = int(lifetime)
        self._prefix = prefix

    def _key(self, kind: str, name: str) -> str:
        return f'{self._prefix}{kind}:{name}'

    # ---- sign-ins ----
    @_answering
    def username(self, browser: str) -> str | None:
        return self._redis.get(self._key('sign-in', browser)) if browser else None

    @_answering
    def usernames(self, browsers: Iterable[str]) -> dict[str, str | None]:
        """Who is signed in with each of `browsers` (None: nobody any more), in one round trip."""
        browsers = list(browsers)
        if not browsers:
            return {}
        names = self._redis.mget([self._key('sign-in', browser) for browser in browsers])
        return dict(zip(browsers, names, strict=True))

    @_answering
    def sign_in(self, browser: str, username: str) -> None:
        index = self._key('sign-ins-of', username.lower())
        with self._redis.pipeline() as pipe:
            pipe.set(self._key('sign-in', browser), username, ex=self._lifetime)
            pipe.sadd(index, browser)
            pipe.expire(index, self._lifetime)  # outlives every sign-in it lists
            pipe.execute()

    @_answering
    def sign_out(self, browser: str) -> None:
        self._redis.delete(self._key('sign-in', browser))

    @_answering
    def sign_out_others(self, username: str, keep: str | None) -> None:
        """End every sign-in of `username` except the one of browser `keep`."""
        index = self._key('sign-ins-of', username.lower())
        others = [browser for browser in self._redis.smembers(index) if browser != keep]
        if others:
            with self._redis.pipeline() as pipe:
                pipe.delete(*(self._key('sign-in', browser) for browser in others))
                pipe.srem(index, *others)
                pipe.execute()

    # ---- the hop's one-time steps ----
    @_answering
    def put_ticket(self, ticket: str, browser: str, username: str, seconds: float) -> None:
        """A ticket for browser `browser` that signs it in as `username` ('': signs it out)."""
        self._redis.set(self._key('ticket', f'{browser}:{ticket}'), username, px=int(seconds * 1000))

    @_answering
    def take_ticket(self, ticket: str, browser: str) -> str | None:
        """The username ('' for a sign-out) of `browser`'s ticket if not used yet and not expired; used up now.
        Another browser's guess finds nothing and leaves the ticket to its owner."""
        return self._redis.getdel(self._key('ticket', f'{browser}:{ticket}')) if ticket and browser else None

    def close(self) -> None:
        self._redis.close()
