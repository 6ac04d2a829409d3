"""Call snapshots, media signals and stored calls between two processes over one real Redis (pub/sub): each
process hands on its own at once, receives the other's, never its own twice; a bus that loses Redis says so, and
says when it is back (so what pub/sub missed is read again)."""
from __future__ import annotations

import asyncio
import uuid

from backend.call_registry import RINGING, Call
from backend.delivery import Delivery, MediaSignal
from backend.redis_bus import RedisBus

from .redis_server import RedisServer

CALL = Call(id='c1', caller='alice', callee='bob', channel='ch', state=RINGING, created_at=1.0, ring_deadline=46.0,
            caller_tab='alice-1')


async def until(condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError('not within the timeout')


async def test_what_one_process_delivers_reaches_the_other_once(redis_server: RedisServer) -> None:
    prefix = f'test-{uuid.uuid4().hex}:'
    buses = [RedisBus(redis_server.url, prefix, process=name) for name in ('a', 'b')]
    a, b = Delivery(buses[0]), Delivery(buses[1])
    seen = {name: [] for name in ('a calls', 'b calls', 'b signals', 'b stored')}
    a.calls.connect(seen['a calls'].append)
    b.calls.connect(seen['b calls'].append)
    b.signals.connect(seen['b signals'].append)
    b.stored.connect(seen['b stored'].append)
    listening = [asyncio.create_task(bus.listen()) for bus in buses]
    try:
        await asyncio.sleep(0.5)  # subscribed (pub/sub keeps nothing for a subscriber that is not there yet)
        a.call_changed(CALL)
        offer = MediaSignal('c1', 'alice', 'alice-1', 'bob-1', 'bob', {'type': 'offer', 'sdp': 'v=0'})
        a.send_signal(offer)
        a.call_stored(CALL)
        await until(lambda: seen['b stored'])
        assert seen['b calls'] == [CALL] and seen['a calls'] == [CALL]
        assert seen['b signals'] == [offer]
        assert seen['b stored'] == [CALL]
    finally:
        for task in listening:
            task.cancel()
        for bus in buses:
            bus.close()


async def test_a_bus_says_when_redis_is_lost_and_back(tmp_path) -> None:
    redis = RedisServer()
    bus = RedisBus(redis.url, 'test:', process='a')
    states = []
    bus.lost.connect(lambda _: states.append('lost'))
    bus.back.connect(lambda _: states.append('back'))
    listening = asyncio.create_task(bus.listen())
    try:
        await asyncio.sleep(0.5)
        redis.stop()
        await until(lambda: states == ['lost'])
        assert not bus.up
        bus.publish('call', {})  # dropped, no error
        redis = RedisServer(port=redis.port)
        await until(lambda: states == ['lost', 'back'])
        assert bus.up
    finally:
        listening.cancel()
        bus.close()
        redis.stop()
