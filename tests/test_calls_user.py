"""The ringing lifecycle with NiceGUI's simulated users: two (or three) people, every outcome, both screens."""
from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing import User

from ui.components.call_stage import CallStage
from ui.components.webrtc_call import WebRtcCall

from .sim import close_tab, register, should_have_history, should_read


@pytest.fixture
def short_ring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('RING_TIMEOUT', '1')


@pytest.fixture
def negotiate_after_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """INSTANT_ANSWER=off: the callee's connection starts at the answer (instant answer: its browser tests)."""
    monkeypatch.setenv('INSTANT_ANSWER', 'off')


async def two_users(create_user) -> tuple[User, User]:
    alice, bob = create_user(), create_user()
    await register(alice, 'alice')
    await register(bob, 'bob')
    await should_read(alice, 'status-bob', 'online')
    return alice, bob


async def test_calling_an_offline_user_says_so_at_once(create_user):
    alice, bob = await two_users(create_user)
    close_tab(bob)
    await should_read(alice, 'status-bob', 'offline')
    alice.find(marker='call-bob').click()
    await should_read(alice, 'call-notice', 'bob is offline')
    await alice.should_not_see(marker='outgoing-call')
    await should_have_history(alice, 'bob Offline')


async def test_decline(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await alice.should_see(marker='outgoing-call')
    await alice.should_see('Calling bob…')
    await should_read(bob, 'incoming-caller', 'alice')
    await should_read(alice, 'status-bob', 'busy')
    bob.find(marker='decline-call').click()
    await should_read(alice, 'call-notice', 'bob declined')
    await should_read(bob, 'call-notice', 'You declined the call from alice')
    for user in (alice, bob):
        await user.should_not_see(marker='incoming-call')
        await user.should_not_see(marker='outgoing-call')
        await should_have_history(user, 'Declined')
    await should_read(alice, 'status-bob', 'online')


async def test_decline_with_a_reply(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    bob.find(marker='decline-with-message').click()
    reply_text = next(iter(bob.find(marker='reply-text').elements))
    bob.find(marker='send-reply').click()
    assert 'Type a reply first' in reply_text.error  # an empty reply: nothing sent
    bob.find(marker='reply-text').type('x' * 121)
    bob.find(marker='send-reply').click()
    assert 'at most 120 characters' in reply_text.error
    await bob.should_see(marker='incoming-call')
    await alice.should_see(marker='outgoing-call')
    bob.find(marker='reply-text').clear()
    bob.find(marker='quick-reply', content='In a meeting').click()
    await should_read(alice, 'decline-reason', 'In a meeting')
    await should_read(alice, 'call-notice', 'bob replied: ')
    await should_read(bob, 'call-notice', 'You replied to alice: ')
    for user in (alice, bob):
        await user.should_not_see(marker='incoming-call')
        await should_have_history(user, 'Declined · “In a meeting”')


async def test_cancel_gives_the_callee_a_missed_call(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    alice.find(marker='cancel-call').click()
    await should_read(alice, 'call-notice', 'Call cancelled')
    await should_read(bob, 'call-notice', 'alice cancelled · missed call')
    await bob.should_not_see(marker='incoming-call')
    await should_have_history(bob, 'alice Missed')
    await bob.should_see('1 missed · mark seen')
    bob.find(marker='history-item').click()  # call back
    await should_read(alice, 'incoming-caller', 'bob')


async def test_ringing_counts_down_on_both_screens_and_an_idle_tab_has_no_timer(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await alice.should_see('Rings for 45 more seconds')
    await bob.should_see('Rings for 45 more seconds')
    await alice.should_see('Rings for 43 more seconds', retries=40)  # 2 s on, every second shown
    await bob.should_see('Rings for 43 more seconds', retries=40)
    alice.find(marker='cancel-call').click()
    await should_read(alice, 'call-notice', 'Call cancelled')
    for user in (alice, bob):  # a thousand idle dashboards must not wake every second
        assert not [element for element in user.client.elements.values() if isinstance(element, ui.timer)]


async def test_history_keeps_the_newest_entries_live_and_counts_missed_calls_since_seen(create_user):
    from ui.components.call_history_list import HISTORY_SHOWN

    alice, bob = await two_users(create_user)

    async def missed_call(number: int) -> None:
        alice.find(marker='call-bob').click()
        await should_read(bob, 'incoming-caller', 'alice')
        alice.find(marker='cancel-call').click()
        await should_read(bob, 'call-notice', 'alice cancelled · missed call')
        await bob.should_see(f'{number} missed · mark seen')

    await missed_call(1)
    await missed_call(2)
    bob.find('2 missed · mark seen').click()
    await bob.should_not_see('missed · mark seen')
    await missed_call(1)  # counted from when bob last looked
    for _ in range(HISTORY_SHOWN - 2):
        alice.find(marker='call-bob').click()
        await should_read(bob, 'incoming-caller', 'alice')
        bob.find(marker='decline-call').click()
        await should_read(alice, 'call-notice', 'bob declined')
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    alice.find(marker='cancel-call').click()
    # 22 calls: the newest 20 are shown, newest first, on the open dashboard and after a reload
    expected = ['alice Missed', *['alice Declined'] * (HISTORY_SHOWN - 2), 'alice Missed']
    await should_have_history(bob, *expected)
    await bob.open('/')
    await should_have_history(bob, *expected)
    await bob.should_see('2 missed · mark seen')


async def test_no_answer(short_ring, create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    await should_read(alice, 'call-notice', 'No answer', retries=40)
    await should_read(bob, 'call-notice', 'Missed call from alice')
    await bob.should_not_see(marker='incoming-call')
    await should_have_history(bob, 'alice Missed')
    await should_have_history(alice, 'bob No answer')


async def test_busy_and_accept_then_hang_up(create_user):
    alice, bob = await two_users(create_user)
    carol = create_user()
    await register(carol, 'carol')
    alice.find(marker='call-bob').click()
    await bob.should_see(marker='incoming-call')
    bob.find(marker='accept-call').click()
    for user in (alice, bob):
        await user.should_see(marker='call-view')
        await user.should_see('Connecting…')
    bob.find(WebRtcCall).trigger('connected')
    alice.find(WebRtcCall).trigger('connected')
    await alice.should_not_see('Connecting…')
    await should_read(carol, 'status-bob', 'busy')

    carol.find(marker='call-bob').click()
    await should_read(carol, 'call-notice', 'bob is on another call')
    await bob.should_see(marker='call-view')  # bob's call goes on

    alice.find(marker='hang-up').click()
    await should_read(alice, 'call-notice', 'Call ended · 00:00')
    await should_read(bob, 'call-notice', 'Call ended · 00:00 · alice hung up')
    for user in (alice, bob):
        await user.should_not_see(marker='call-view')
    await should_have_history(alice, 'bob Completed · 00:00')
    await should_have_history(bob, 'carol Missed', 'alice Completed · 00:00')
    await should_have_history(carol, 'bob Busy')
    await should_read(carol, 'status-bob', 'online')


async def test_the_first_tab_to_accept_wins(create_user):
    alice, bob = await two_users(create_user)
    bob_second_tab = User(bob.http_client)  # same browser (cookies), another tab
    await bob_second_tab.open('/')
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    await should_read(bob_second_tab, 'incoming-caller', 'alice')
    bob_second_tab.find(marker='accept-call').click()
    await bob_second_tab.should_see(marker='call-view')
    await should_read(bob, 'call-notice', 'Answered on another tab')
    await bob.should_not_see(marker='incoming-call')
    await bob.should_not_see(marker='call-view')


async def test_media_failure_ends_the_call_on_both_sides(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await bob.should_see(marker='incoming-call')
    bob.find(marker='accept-call').click()
    await bob.should_see(marker='call-view')
    bob.find(WebRtcCall).trigger('failed', {'reason': 'permission to use the camera or microphone was denied'})
    await should_read(bob, 'call-notice', 'Your camera or microphone is not available: '
                                          'permission to use the camera or microphone was denied. The call ended.')
    await alice.should_see(marker='call-notice', content="bob's camera or microphone is not available")
    await alice.should_not_see(marker='call-view')


OFFER = {'description': {'type': 'offer', 'sdp': 'v=0 ...'}}
CANDIDATE = {'candidate': {'candidate': 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', 'sdpMid': '0'}}
COMPLETE_OFFER = {'description': {'type': 'offer', 'sdp': 'v=0 ... a=candidate:1 ...'}, 'complete': True}


@pytest.mark.parametrize(('while_ringing', 'after_the_answer', 'bob_gets'), [
    ([OFFER, CANDIDATE], [CANDIDATE], [OFFER, CANDIDATE, CANDIDATE]),  # in order
    ([OFFER, CANDIDATE, COMPLETE_OFFER], [COMPLETE_OFFER], [COMPLETE_OFFER]),  # one signal instead of many
])
async def test_the_callers_camera_and_offer_start_while_it_rings_and_reach_the_callee_only_once_answered(
        negotiate_after_answer, create_user, monkeypatch: pytest.MonkeyPatch, while_ringing: list,
        after_the_answer: list, bob_gets: list):
    applied: list[dict] = []
    monkeypatch.setattr(WebRtcCall, 'run_method',
                        lambda self, name, *args, **kwargs:
                        applied.append(args[0]) if self.props['polite'] and name == 'applySignal' else None)
    alice, bob = await two_users(create_user)
    alice_second_tab = User(alice.http_client)
    await alice_second_tab.open('/')
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    await alice_second_tab.should_see(marker='outgoing-call')
    media = next(iter(alice.find(WebRtcCall).elements))  # the calling tab's camera runs while it rings
    await alice_second_tab.should_not_see(kind=WebRtcCall)
    for signal in while_ringing:
        alice.find(WebRtcCall).trigger('signal', signal)
    await asyncio.sleep(0.1)
    await bob.should_not_see(kind=WebRtcCall)  # nothing of alice's reaches bob before he answers

    bob.find(marker='accept-call').click()
    for signal in after_the_answer:  # before the held ones are passed on: they stay behind them
        alice.find(WebRtcCall).trigger('signal', signal)  # (a complete offer is only for while it rings)
    await bob.should_see(marker='call-view')
    await alice.should_see(marker='call-view')
    assert next(iter(alice.find(WebRtcCall).elements)) is media  # the same camera, now in the call view
    assert media.props['local-video'] == next(iter(alice.find(CallStage).elements)).local_video_id
    await asyncio.sleep(0.1)  # the caller's tab passes the held signals on right after the answer
    bob.find(WebRtcCall).trigger('ready')  # the callee's browser side mounted
    assert applied == bob_gets


async def test_the_callers_camera_failing_while_it_rings_ends_the_call_at_once(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    alice.find(WebRtcCall).trigger('failed', {'reason': 'no camera or microphone was found'})
    await should_read(alice, 'call-notice', 'Your camera or microphone is not available: '
                                            'no camera or microphone was found. The call ended.')
    await alice.should_not_see(kind=WebRtcCall)
    await bob.should_see(marker='call-notice', content="alice's camera or microphone is not available")
    await bob.should_not_see(marker='incoming-call')
    await should_have_history(alice, 'bob Camera or microphone failed')
    await should_have_history(bob, 'alice Camera or microphone failed')


async def test_closing_the_call_tab_ends_the_call_for_the_other_side(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await bob.should_see(marker='incoming-call')
    bob.find(marker='accept-call').click()
    await alice.should_see(marker='call-view')
    close_tab(bob)
    await should_read(alice, 'call-notice', 'Lost the connection to bob. The call ended.')
    await alice.should_not_see(marker='call-view')


async def test_the_callee_closing_their_last_tab_while_ringing_ends_the_ringing_at_once(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    close_tab(bob)
    await should_read(alice, 'call-notice', 'bob went offline')
    await alice.should_not_see(marker='outgoing-call')
    await should_read(alice, 'status-bob', 'offline')
    await should_have_history(alice, 'bob Offline')


async def test_glare_merges_into_one_call(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    bob.find(marker='call-alice').click()  # bob calls back instead of pressing accept
    for user in (alice, bob):
        await user.should_see(marker='call-view')


async def test_a_tab_opened_mid_ring_shows_the_banner(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    await bob.open('/')  # reload
    await should_read(bob, 'incoming-caller', 'alice')
    await bob.should_see('Rings for 4')  # ~45 s left on the server's clock


async def test_a_reloaded_calling_tab_still_gets_the_call(create_user):
    alice, bob = await two_users(create_user)
    alice.find(marker='call-bob').click()
    await should_read(bob, 'incoming-caller', 'alice')
    reloaded = User(alice.http_client)
    await reloaded.open('/')
    await reloaded.should_see(marker='outgoing-call')
    await asyncio.sleep(0.2)  # the new page counts once its socket is connected; the old one goes 3 s later
    close_tab(alice)
    await reloaded.should_see(marker='outgoing-call')
    await reloaded.should_see(kind=WebRtcCall)  # the camera moved with the call
    bob.find(marker='accept-call').click()
    await reloaded.should_see(marker='call-view')
    await bob.should_see(marker='call-view')
