"""How this app talks to the Redis of `REDIS_URL`: a client that gives up quickly, and Redis's errors turned into
the one exception each caller already says plainly."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import redis


class RedisUnreachable(ConnectionError):
    """Redis did not answer at start-up."""


def connect(url: str, socket_timeout: float = 1.0, *, check: bool = False) -> redis.Redis:
    """A client for REDIS_URL that gives up within `socket_timeout`; `check`: raise RedisUnreachable unless it
    answers now (what start-up wants)."""
    client = redis.Redis.from_url(url, socket_timeout=socket_timeout, socket_connect_timeout=socket_timeout,
                                  decode_responses=True)
    if check:
        try:
            client.ping()
        except redis.RedisError as error:
            raise RedisUnreachable(str(error) or type(error).__name__) from None
    return client


Params, Result = ParamSpec('Params'), TypeVar('Result')


def redis_errors_as(unavailable: Callable[[str], Exception]
                    ) -> Callable[[Callable[Params, Result]], Callable[Params, Result]]:
    """A decorator: a lost Redis reaches the callers as `unavailable(reason)`, which they show in words, not as a
    crash or an error page."""
    def answering(method: Callable[Params, Result]) -> Callable[Params, Result]:
        @functools.wraps(method)
        def run(*args: Params.args, **kwargs: Params.kwargs) -> Result:
            try:
                return method(*args, **kwargs)
            except redis.RedisError as error:
                raise unavailable(str(error) or type(error).__name__) from error
        return run
    return answering
