"""Redis stopped while the app runs (several processes, REDIS_URL): each part that reads it gives a refusal the pages
already say plainly, never an exception of Redis's own: the media credentials of a call (TURN, Agora RTC), CallAPI's
messages in Agora Signaling mode, and the shared sign-ins."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from backend.agora_credentials import AgoraCredentials, CredentialRefused
from backend.call_registry import CallRegistry
from backend.callapi_calls import CallApiCalls
from backend.callapi_message import CallAction, CallMessage, encode
from backend.ice_config import IceConfig
from backend.redis_call_store import RedisCallStore
from backend.shared_sign_ins import SharedSignIns, SignInsUnavailable

from .manual_clock import ManualClock
from .redis_server import RedisServer

IDS = {'alice': 7, 'bob': 12}
APP_ID = '970ca35de60c44645bbae8a215061b33'
CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b'


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A Redis of the test's own: the test stops it."""
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def calls(redis: RedisServer) -> Iterator[CallRegistry]:
    store = RedisCallStore(redis.url, prefix=f'test-{uuid.uuid4().hex}:', socket_timeout=0.2)
    yield CallRegistry(resolve_user=lambda name: name if name in IDS else None, is_online=lambda _: True,
                       clock=ManualClock(), store=store)
    store.close()


def accepted_call(calls: CallRegistry) -> str:
    call = calls.invite('alice', 'bob', 'alice-1')
    calls.accept(call.id, 'bob', 'bob-1')
    return call.id


def test_no_turn_credentials_while_redis_is_lost(redis, calls):
    ice = IceConfig(static_servers=(), turn_urls=('turn:127.0.0.1:3478',), turn_secret='s3cret', turn_ttl=600,
                    transport_policy='all', calls=calls)
    call_id = accepted_call(calls)
    assert ice.for_call(call_id, 'alice')['iceServers']
    redis.stop()
    with pytest.raises(CredentialRefused, match=r'^TURN credentials wait until the server has reconnected\.$'):
        ice.for_call(call_id, 'alice')


def test_no_agora_rtc_token_while_redis_is_lost(redis, calls):
    agora = AgoraCredentials(APP_ID, CERTIFICATE, ttl=600, calls=calls)
    call_id = accepted_call(calls)
    assert agora.rtc(call_id, 'bob').token
    redis.stop()
    with pytest.raises(CredentialRefused, match=r'^RTC tokens wait until the server has reconnected\.$'):
        agora.rtc(call_id, 'bob')
    with pytest.raises(CredentialRefused):
        agora.rtc(call_id, 'bob', screen=True)


@pytest.mark.parametrize('action', [CallAction.VIDEO_CALL, CallAction.ACCEPT, CallAction.HANGUP])
def test_a_callapi_message_while_redis_is_lost_is_ignored_with_a_log_line(redis, calls, action, caplog):
    names = {number: name for name, number in IDS.items()}
    callapi = CallApiCalls(calls, user_of=names.get, id_of=IDS.get)
    call_id = accepted_call(calls) if action is CallAction.HANGUP else str(uuid.uuid4())
    redis.stop()
    message = CallMessage(action, call_id, IDS['bob'], IDS['alice'], room='room-1')
    assert callapi.received('alice', encode(message, 1), str(IDS['bob'])) is None
    assert f'for call {call_id} ignored: the server lost Redis' in caplog.text


def test_the_shared_sign_ins_say_redis_is_lost_in_one_exception(redis):
    sign_ins = SharedSignIns(redis.url, lifetime=60, prefix=f'test-{uuid.uuid4().hex}:', socket_timeout=0.2)
    sign_ins.sign_in('browser-1', 'alice')
    assert sign_ins.username('browser-1') == 'alice'
    redis.stop()
    for step in (lambda: sign_ins.username('browser-1'), lambda: sign_ins.usernames(['browser-1']),
                 lambda: sign_ins.sign_in('browser-2', 'bob'), lambda: sign_ins.sign_out('browser-1'),
                 lambda: sign_ins.sign_out_others('alice', keep=None),
                 lambda: sign_ins.put_ticket('t', 'browser-1', 'alice', 30), lambda: sign_ins.take_ticket('t', 'b')):
        with pytest.raises(SignInsUnavailable):
            step()
    sign_ins.close()
