"""The call registry's live calls in Redis, shared by every process with the same `REDIS_URL`.

Keys, all under `prefix`: `call:<id>` a hash of the live call's snapshot (JSON, enums as their values), its `seq`
and its deadline's entry; `live:<user>` the id of the user's live call; `live_calls` the live call ids in the order
they were made (`calls_made` counts); `deadlines` a sorted set of `<id> <seq> <action>` scored by due time. One Lua
script writes all of them for a transition, so the compare-and-set on `seq` and each party's live call change
together or not at all.
The registry's API is synchronous, so this is the synchronous client: a loopback round trip is ~0.1 ms
(bench/README.md, `registry_store`), and a short socket timeout bounds how long a lost Redis can hold the event loop.
"""
from __future__ import annotations

from .call_json import decode_call, encode_call
from .call_registry import Action, Call, StoreUnavailable
from .call_store import Deadline
from .redis_client import connect, redis_errors_as

# KEYS: the call's hash, the caller's and the callee's live key, the live calls, the deadlines, the calls made.
# ARGV: call id, the seq the transition read ('' for a new call), new seq, snapshot, '1' if live, deadline entry
# ('' for none), its due time.
_COMMIT = """
local stored = redis.call('HGET', KEYS[1], 'seq')
if ARGV[2] == '' then
  if stored then return 0 end
  if ARGV[5] == '1' and redis.call('EXISTS', KEYS[2], KEYS[3]) > 0 then return 0 end
elseif stored ~= ARGV[2] then
  return 0
end
local old = redis.call('HGET', KEYS[1], 'deadline')
if old and old ~= '' then redis.call('ZREM', KEYS[5], old) end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[1], 'seq', ARGV[3], 'call', ARGV[4], 'deadline', ARGV[6])
  if ARGV[6] ~= '' then redis.call('ZADD', KEYS[5], ARGV[7], ARGV[6]) end
  redis.call('SET', KEYS[2], ARGV[1])
  redis.call('SET', KEYS[3], ARGV[1])
  if not stored then redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[6]), ARGV[1]) end
else
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  for i = 2, 3 do
    if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
  end
end
return 1
"""


# A lost Redis reaches the registry's callers as a refusal they already show (`CallRefused`), not a crash.
_answering = redis_errors_as(lambda _reason: StoreUnavailable())


class RedisCallStore:
    shared = True

    def __init__(self, url: str, prefix: str = 'ringboard:', socket_timeout: float = 1.0) -> None:
        self._redis = connect(url, socket_timeout, check=True)
        self._prefix = prefix
        self._commit = self._redis.register_script(_COMMIT)

    def _key(self, *parts: str) -> str:
        return self._prefix + ':'.join(parts)

    @_answering
    def get(self, call_id: str) -> Call | None:
        return decode_call(self._redis.hget(self._key('call', call_id), 'call'))

    @_answering
    def live_call_of(self, user: str) -> Call | None:
        # Two reads (a script may only touch the keys it is given, and the call's key is known only after the
        # first): a call that ends between them is gone, which is what the second read then says.
        call_id = self._redis.get(self._key('live', user))
        return decode_call(self._redis.hget(self._key('call', call_id), 'call')) if call_id else None

    @_answering
    def live_calls(self) -> list[Call]:
        ids = self._redis.zrange(self._key('live_calls'), 0, -1)
        pipe = self._redis.pipeline(transaction=False)
        for call_id in ids:
            pipe.hget(self._key('call', call_id), 'call')
        return [call for call in map(decode_call, pipe.execute()) if call is not None]

    @property
    @_answering
    def live_by_user(self) -> dict[str, str]:
        keys = list(self._redis.scan_iter(match=self._key('live', '*'), count=1000))
        values = self._redis.mget(keys) if keys else []
        start = len(self._key('live', ''))
        return {key[start:]: call_id for key, call_id in zip(keys, values, strict=True) if call_id}

    @_answering
    def commit(self, call: Call, read_seq: int | None, deadline: Deadline | None) -> bool:
        entry = f'{deadline.call_id} {deadline.seq} {deadline.action}' if deadline else ''
        keys = [self._key('call', call.id), self._key('live', call.caller), self._key('live', call.callee),
                self._key('live_calls'), self._key('deadlines'), self._key('calls_made')]
        args = [call.id, '' if read_seq is None else read_seq, call.seq, encode_call(call),
                '1' if call.live else '0', entry, repr(deadline.due) if deadline else '']
        return self._commit(keys=keys, args=args) == 1

    @_answering
    def due_deadlines(self, now: float) -> list[Deadline]:
        found = self._redis.zrangebyscore(self._key('deadlines'), '-inf', repr(now), withscores=True)
        deadlines = []
        for entry, due in found:
            call_id, seq, action = entry.split(' ')
            deadlines.append(Deadline(call_id, int(seq), Action(action), due))
        return deadlines

    def close(self) -> None:
        self._redis.close()

