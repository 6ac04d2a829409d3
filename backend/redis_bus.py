"""Messages between ringboard processes: one Redis pub/sub channel that every process publishes to and listens on.

Redis pub/sub is at-most-once: a process whose subscription dropped missed what was published meanwhile. So the
bus also says when it lost Redis (`lost`) and when it is back (`back`): whoever relies on its messages then reads
the state itself from Redis instead of trusting that it saw every message.
A message is published with the synchronous client, from the event loop, in the order it was made (a loopback
round trip is ~0.1 ms, and a short socket timeout bounds a lost Redis); it is received by an asyncio task.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

import redis
import redis.asyncio

from .redis_client import connect
from .signal import Signal

log = logging.getLogger(__name__)

RETRY = 0.5  # seconds between attempts to subscribe again after Redis was lost
HEALTH_CHECK = 2.0  # seconds: a quiet subscription pings Redis this often, so a Redis that stops answering is noticed

Handler = Callable[[dict], None]


class RedisBus:
    def __init__(self, url: str, prefix: str, process: str, socket_timeout: float = 1.0) -> None:
        self.process = process  # this process's id: its own messages come back to it and are skipped
        self._url = url
        self._channel = prefix + 'bus'
        self._redis = connect(url, socket_timeout)
        self._handlers: dict[str, list[Handler]] = {}
        self.up = True  # the process started with Redis answering
        self.lost: Signal[None] = Signal()  # the subscription dropped: messages may be missed from now on
        self.back: Signal[None] = Signal()  # subscribed again: read what was missed from Redis

    def on(self, kind: str, handler: Handler) -> None:
        """Call `handler(data)` for every message of `kind` that another process publishes."""
        self._handlers.setdefault(kind, []).append(handler)

    def publish(self, kind: str, data: dict) -> None:
        """Send `data` to the other processes; with Redis away it is dropped (they re-read once it is back)."""
        try:
            self._redis.publish(self._channel, json.dumps({'from': self.process, 'kind': kind, 'data': data}))
        except redis.RedisError as error:
            log.debug('bus message %s dropped: %s', kind, error)

    async def listen(self) -> None:
        """Receive the other processes' messages until cancelled, subscribing again whenever Redis comes back."""
        client = redis.asyncio.Redis.from_url(self._url, decode_responses=True, socket_connect_timeout=1.0,
                                              health_check_interval=HEALTH_CHECK)
        try:
            while True:
                try:
                    await self._receive(client)
                except (redis.RedisError, OSError) as error:
                    if self.up:
                        log.warning('lost Redis (%s): reconnecting', error)
                        self._set_up(False)
                    await asyncio.sleep(RETRY)
        finally:
            await client.aclose()

    async def _receive(self, client: redis.asyncio.Redis) -> None:
        async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(self._channel)
            if not self.up:
                log.warning('Redis is back')
                self._set_up(True)
            while True:
                message = await pubsub.get_message(timeout=HEALTH_CHECK)
                if message is not None:
                    self._dispatch(message['data'])

    def _set_up(self, up: bool) -> None:
        self.up = up
        (self.back if up else self.lost).emit(None)

    def _dispatch(self, raw: str) -> None:
        message = json.loads(raw)
        if message['from'] == self.process:
            return
        for handler in self._handlers.get(message['kind'], ()):
            try:
                handler(message['data'])
            except Exception:  # one broken handler must not stop the others, nor the bus
                log.exception('bus handler %r failed', handler)

    def close(self) -> None:
        self._redis.close()
