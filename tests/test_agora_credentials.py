"""Agora tokens are minted only for whom the rules allow: the parties of a live accepted call, yourself for RTM."""
from __future__ import annotations

import pytest

from backend.agora_credentials import AgoraCredentials, CredentialRefused
from backend.call_registry import CallRegistry
from tokens import parse_token, verify_token

from .manual_clock import ManualClock

APP_ID = '970CA35de60c44645bbae8a215061b33'
CERTIFICATE = '5CFd2fd1755d40ecb72977518be15d3b'
USERS = {'alice', 'bob', 'carol'}


@pytest.fixture
def calls() -> CallRegistry:
    return CallRegistry(resolve_user=lambda name: name if name in USERS else None, is_online=lambda _: True,
                        clock=ManualClock())


@pytest.fixture
def agora(calls: CallRegistry) -> AgoraCredentials:
    return AgoraCredentials(APP_ID, CERTIFICATE, ttl=600, calls=calls)


def test_rtc_token_for_a_party_of_an_accepted_call(calls, agora):
    call = calls.invite('alice', 'bob', 'tab-a')
    calls.accept(call.id, 'bob', 'tab-b')
    for user in ('alice', 'bob'):
        grant = agora.rtc(call.id, user)
        assert (grant.app_id, grant.channel, grant.uid) == (APP_ID, call.channel, user)
        assert verify_token(grant.token, CERTIFICATE)
        fields = parse_token(grant.token)
        assert fields['expire'] == 600
        [rtc] = [service for service in fields['services'] if service['name'] == 'rtc']
        assert (rtc['channel'], rtc['uid']) == (call.channel, user)
        assert set(rtc['privileges']) == {1, 2, 3, 4}


def test_rtc_token_refused_to_a_non_party(calls, agora):
    call = calls.invite('alice', 'bob', 'tab-a')
    calls.accept(call.id, 'bob', 'tab-b')
    with pytest.raises(CredentialRefused, match='two people'):
        agora.rtc(call.id, 'carol')


def test_rtc_token_refused_while_ringing_and_after_the_end(calls, agora):
    call = calls.invite('alice', 'bob', 'tab-a')
    with pytest.raises(CredentialRefused, match='accepted'):
        agora.rtc(call.id, 'bob')
    calls.accept(call.id, 'bob', 'tab-b')
    agora.rtc(call.id, 'bob')  # a renewal while live works
    calls.hang_up(call.id, 'alice')
    for user in ('alice', 'bob'):
        with pytest.raises(CredentialRefused, match='still live'):
            agora.rtc(call.id, user)


def test_rtc_token_while_ringing_with_instant_answer_for_that_call_and_party_only(calls, agora):
    calls.connect_while_ringing = True  # INSTANT_ANSWER: both parties join the channel while it rings
    call = calls.invite('alice', 'bob', 'tab-a')
    other = calls.invite('carol', 'alice', 'tab-c')  # alice is busy: ends at once
    for user in ('alice', 'bob'):
        grant = agora.rtc(call.id, user)
        [rtc] = [service for service in parse_token(grant.token)['services'] if service['name'] == 'rtc']
        assert (rtc['channel'], rtc['uid']) == (call.channel, user)
    with pytest.raises(CredentialRefused, match='two people'):
        agora.rtc(call.id, 'carol')
    with pytest.raises(CredentialRefused, match='still live'):
        agora.rtc(other.id, 'carol')
    calls.decline(call.id, 'bob')
    for user in ('alice', 'bob'):
        with pytest.raises(CredentialRefused, match='still live'):
            agora.rtc(call.id, user)


def test_rtc_token_refused_for_an_unknown_call(agora):
    with pytest.raises(CredentialRefused):
        agora.rtc('no-such-call', 'alice')


def test_rtm_token_only_for_yourself(agora):
    token = agora.rtm('alice', 'alice')
    assert verify_token(token, CERTIFICATE)
    [rtm] = [service for service in parse_token(token)['services'] if service['name'] == 'rtm']
    assert rtm['user_id'] == 'alice'
    assert parse_token(token)['expire'] == 600
    with pytest.raises(CredentialRefused, match='your own'):
        agora.rtm('alice', 'bob')


def test_rtc_token_for_a_numeric_uid_where_callapi_apps_join(calls):
    """agora-signaling mode: the RTC uid is the account's id, a number, as CallAPI joins."""
    agora = AgoraCredentials(APP_ID, CERTIFICATE, ttl=600, calls=calls, rtc_uid={'alice': 7, 'bob': 12}.__getitem__)
    call = calls.invite('alice', 'bob', 'tab-a')
    calls.accept(call.id, 'bob', 'tab-b')
    grant = agora.rtc(call.id, 'bob')
    assert grant.uid == 12 and type(grant.uid) is int
    [rtc] = [service for service in parse_token(grant.token)['services'] if service['name'] == 'rtc']
    assert rtc['uid'] == '12'
    with pytest.raises(CredentialRefused, match='two people'):
        agora.rtc(call.id, 'carol')


@pytest.mark.parametrize(('rtc_uid', 'screen_uid'), [(None, 'bob#screen'),
                                                     ({'alice': 7, 'bob': 12}.__getitem__, 12 + 2**31)])
def test_a_shared_screen_joins_as_a_uid_of_its_own_under_the_same_rules(calls, rtc_uid, screen_uid):
    """Agora RTC publishes one video track per client: the screen is a second client, beside the camera's."""
    agora = AgoraCredentials(APP_ID, CERTIFICATE, ttl=600, calls=calls, rtc_uid=rtc_uid)
    call = calls.invite('alice', 'bob', 'tab-a')
    with pytest.raises(CredentialRefused, match='accepted'):
        agora.rtc(call.id, 'bob', screen=True)
    calls.accept(call.id, 'bob', 'tab-b')
    grant = agora.rtc(call.id, 'bob', screen=True)
    assert grant.uid == screen_uid == agora.screen_uid('bob') and grant.uid != agora.rtc(call.id, 'bob').uid
    [rtc] = [service for service in parse_token(grant.token)['services'] if service['name'] == 'rtc']
    assert (rtc['channel'], rtc['uid']) == (call.channel, str(screen_uid))
    with pytest.raises(CredentialRefused, match='two people'):
        agora.rtc(call.id, 'carol', screen=True)
