"""TURN credentials per the TURN REST API: the format checked against openssl and against a real coturn, their
expiry, and that they go only to the two people of a live call."""
from __future__ import annotations

import base64
import subprocess

import pytest

from backend.agora_credentials import CredentialRefused
from backend.call_registry import CallRegistry
from backend.ice_config import IceConfig, turn_credential

from .manual_clock import ManualClock
from .turn_server import allocate

USERS = {'alice', 'bob', 'carol'}
STUN = {'urls': 'stun:stun.example.org:3478'}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def calls(clock: ManualClock) -> CallRegistry:
    return CallRegistry(resolve_user=lambda name: name if name in USERS else None, is_online=lambda _: True,
                        clock=clock)


def ice_config(calls: CallRegistry, clock: ManualClock, *, secret: str = 's3cret', ttl: int = 600,
               urls: tuple[str, ...] = ('turn:turn.example.org:3478', 'turns:turn.example.org:5349'),
               static: tuple[dict, ...] = (STUN,), policy: str = 'all') -> IceConfig:
    return IceConfig(static_servers=static, turn_urls=urls, turn_secret=secret, turn_ttl=ttl,
                     transport_policy=policy, calls=calls, now=clock.time)


def openssl_hmac_sha1_base64(secret: str, message: str) -> str:
    digest = subprocess.run(['openssl', 'dgst', '-sha1', '-hmac', secret, '-binary'], input=message.encode(),
                            capture_output=True, check=True).stdout
    return base64.b64encode(digest).decode()


def test_the_credential_is_the_turn_rest_api_one():
    username, credential = turn_credential('north-wind', 'alice', 1_700_000_600)
    assert username == '1700000600:alice'
    assert credential == openssl_hmac_sha1_base64('north-wind', '1700000600:alice')
    assert turn_credential('other-secret', 'alice', 1_700_000_600)[1] != credential


def test_a_party_gets_static_servers_turn_entry_and_policy(calls, clock):
    call = calls.invite('alice', 'bob', 'tab-a')
    config = ice_config(calls, clock, policy='relay').for_call(call.id, 'alice')
    assert config['iceTransportPolicy'] == 'relay'
    static, turn = config['iceServers']
    assert static == STUN
    assert turn['urls'] == ['turn:turn.example.org:3478', 'turns:turn.example.org:5349']
    assert turn['username'] == f'{int(clock.time()) + 600}:alice'
    assert turn['credential'] == openssl_hmac_sha1_base64('s3cret', turn['username'])
    assert 's3cret' not in repr(config)


def test_each_party_gets_its_own_name_and_the_expiry_follows_the_ttl(calls, clock):
    call = calls.invite('alice', 'bob', 'tab-a')
    calls.accept(call.id, 'bob', 'tab-b')
    config = ice_config(calls, clock, ttl=86400)
    alice = config.for_call(call.id, 'alice')['iceServers'][-1]['username']
    clock.advance(10)  # within the connect timeout
    bob = config.for_call(call.id, 'bob')['iceServers'][-1]['username']
    assert alice == f'{int(clock.time()) - 10 + 86400}:alice'
    assert bob == f'{int(clock.time()) + 86400}:bob'


def test_without_turn_only_the_static_servers(calls, clock):
    call = calls.invite('alice', 'bob', 'tab-a')
    config = ice_config(calls, clock, urls=(), secret='').for_call(call.id, 'alice')
    assert config == {'iceServers': [STUN], 'iceTransportPolicy': 'all'}


def test_refused_to_a_non_party_an_unknown_call_and_an_ended_one(calls, clock):
    config = ice_config(calls, clock)
    call = calls.invite('alice', 'bob', 'tab-a')
    with pytest.raises(CredentialRefused, match='two people'):
        config.for_call(call.id, 'carol')
    with pytest.raises(CredentialRefused, match='still live'):
        config.for_call('no-such-call', 'alice')
    calls.accept(call.id, 'bob', 'tab-b')
    calls.hang_up(call.id, 'bob')
    for user in ('alice', 'bob'):
        with pytest.raises(CredentialRefused, match='still live'):
            config.for_call(call.id, user)


# ---- against the real coturn -------------------------------------------------------------------------------------

def test_coturn_grants_an_allocation_for_a_minted_credential(turn_server, calls, clock):
    call = calls.invite('alice', 'bob', 'tab-a')
    config = IceConfig(static_servers=(), turn_urls=(turn_server.url,), turn_secret=turn_server.secret,
                       turn_ttl=600, transport_policy='relay', calls=calls)  # the real clock: coturn checks it
    [turn] = config.for_call(call.id, 'alice')['iceServers']
    assert allocate(turn_server.port, turn['username'], turn['credential']) == 0
    assert f'user <{turn["username"]}>: incoming packet ALLOCATE processed, success' in turn_server.log()


def test_coturn_refuses_an_expired_credential_and_a_wrong_secret(turn_server):
    import time
    expired = turn_credential(turn_server.secret, 'alice', int(time.time()) - 5)
    assert allocate(turn_server.port, *expired) == 401
    forged = turn_credential('not-the-secret', 'alice', int(time.time()) + 600)
    assert allocate(turn_server.port, *forged) == 401
    assert f'user <{forged[0]}>: incoming packet message processed, error 401: Unauthorized' in turn_server.log()
