"""Instant answer with Agora RTC media (hybrid, agora-rtm and agora-signaling modes), in real Chromium over the
stand-in SDKs and the fake Agora cloud: with INSTANT_ANSWER on the caller joins the call's channel and publishes
while it rings, the ringing callee joins without publishing and publishes at the accept; off, both join after it.
"""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tokens import parse_token

from .browser import by_testid, register
from .fake_agora_cloud import RTC_SDK_PATH, FakeAgoraCloud
from .test_browser_agora_mode import wait_until_connected
from .test_browser_instant_answer import LIVE_MEDIA, MEDIA_OPENED, accept_at_once, open_tab

pytestmark = pytest.mark.browser

APP_ID = '970ca35de60c44645bbae8a215061b33'
CERTIFICATE = '5cfd2fd1755d40ecb72977518be15d3b'
MODES = [pytest.param('server', id='hybrid'), pytest.param('agora-rtm', id='agora-rtm'),
         pytest.param('agora-signaling', id='agora-signaling')]
INSTANT = [pytest.param('on', id='instant'), pytest.param('off', id='after-accept')]
SHOWN = '[...document.querySelectorAll("video, audio")].filter((e) => e.srcObject).length'


@pytest.fixture
def cloud():
    with FakeAgoraCloud(peer_offline_delay=1.0) as cloud:
        yield cloud


class People:
    def __init__(self, start_app, cloud: FakeAgoraCloud, chromium, tmp_path, signaling: str, instant: str,
                 bob_tabs: int = 1, **settings: str) -> None:
        self.cloud = cloud
        self.app = start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE, SIGNALING=signaling,
                             AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)), INSTANT_ANSWER=instant, **settings)
        # RTC uids: the usernames, or the accounts' ids where CallAPI apps join too (registered in this order)
        self.uid = {'alice': '1', 'bob': '2'} if signaling == 'agora-signaling' else {'alice': 'alice', 'bob': 'bob'}
        self.contexts = [chromium.new_context() for _ in range(2)]
        for context in self.contexts:
            context.add_init_script(MEDIA_OPENED)
        self.alice, bob = (context.new_page() for context in self.contexts)
        for page, name in ((self.alice, 'alice'), (bob, 'bob')):
            register(page, self.app.url, name)
            if signaling != 'server':
                cloud.wait_for_call('login', uid=self.uid[name])
        self.bobs = [bob] + [open_tab(self.contexts[1], self.app.url) for _ in range(bob_tabs - 1)]
        expect(by_testid(self.alice, 'status-bob')).to_have_text('online')

    def rtc(self, method: str, name: str, since: int = 0) -> list[dict]:
        return [call for call in self.cloud.calls(self.uid[name])[since:]
                if call['sdk'] == 'rtc' and call['method'] == method]

    def rtc_calls_of(self, name: str) -> list[str]:
        return [call['method'] for call in self.cloud.calls(self.uid[name]) if call['sdk'] == 'rtc']

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        assert 'Traceback' not in self.app.log()


@pytest.fixture
def people(start_app, cloud, chromium, tmp_path):
    made: list[People] = []

    def make(signaling: str, instant: str, **options) -> People:
        made.append(People(start_app, cloud, chromium, tmp_path, signaling, instant, **options))
        return made[-1]
    yield make
    for world in made:
        world.close()


def ring(world: People) -> str:
    """alice calls bob; bob's banners show and alice joins the call's channel while it rings: its name."""
    by_testid(world.alice, 'call-bob').click()
    for bob in world.bobs:
        expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    return world.cloud.wait_for_call('join', uid=world.uid['alice'], sdk='rtc')['args'][1]


def nothing_of_bob_before_the_accept(world: People, bob) -> None:
    assert bob.evaluate('window.__mediaOpened.length') == 0  # his camera and microphone were never opened
    assert 'publish' not in world.rtc_calls_of('bob')
    assert 'createMicrophoneAndCameraTracks' not in world.rtc_calls_of('bob')
    assert bob.evaluate(SHOWN) == 0  # nothing of alice plays on his page


def joined_while_ringing(world: People, channel: str) -> None:
    """alice publishes in the channel; bob is in it without publishing, with alice's tracks subscribed."""
    cloud, uid = world.cloud, world.uid
    cloud.wait_for_call('subscribe', uid=uid['bob'], sdk='rtc', timeout=20)
    members = cloud.channel_members(channel)
    assert {str(member) for member in members} == {uid['alice'], uid['bob']}, members
    media = {str(member): flags for member, flags in members.items()}
    assert media[uid['alice']] == {'audio': True, 'video': True}
    assert media[uid['bob']] == {'audio': False, 'video': False}
    [join] = world.rtc('join', 'bob')
    [rtc] = [service for service in parse_token(join['args'][2])['services'] if service['name'] == 'rtc']
    assert (rtc['channel'], rtc['uid']) == (channel, uid['bob'])  # minted at ring time for that call and party


@pytest.mark.parametrize('instant', INSTANT)
@pytest.mark.parametrize('signaling', MODES)
def test_the_callee_joins_while_it_rings_and_publishes_at_the_accept(people, signaling, instant):
    world = people(signaling, instant)
    alice, [bob] = world.alice, world.bobs
    if instant == 'on':
        channel = ring(world)
        joined_while_ringing(world, channel)
        assert world.rtc('preload', 'bob') == []  # it joins: nothing to preload
        bob.wait_for_timeout(1000)
    else:
        by_testid(alice, 'call-bob').click()
        expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
        bob.wait_for_timeout(1000)
        assert world.rtc('join', 'alice') == world.rtc('join', 'bob') == []
    nothing_of_bob_before_the_accept(world, bob)
    mark = world.cloud.mark()
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    assert world.rtc('publish', 'bob', since=0)
    assert len(world.rtc('join', 'bob')) == 1  # joined once: while it rang, or now
    assert world.cloud.wait_for_call('publish', uid=world.uid['bob'], sdk='rtc', since=mark)
    by_testid(alice, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed', timeout=20_000)
        page.wait_for_function(f'() => {LIVE_MEDIA} === 0')


@pytest.mark.parametrize('end', ['decline', 'cancel', 'timeout'])
@pytest.mark.parametrize('signaling', MODES)
def test_a_call_that_ends_while_ringing_leaves_the_channel(people, signaling, end):
    world = people(signaling, 'on', **({'RING_TIMEOUT': '12'} if end == 'timeout' else {}))
    alice, [bob] = world.alice, world.bobs
    channel = ring(world)
    joined_while_ringing(world, channel)
    if end == 'decline':
        by_testid(bob, 'decline-call').click()
    elif end == 'cancel':
        by_testid(alice, 'cancel-call').click()
    words = {'decline': 'Declined', 'cancel': 'Cancelled', 'timeout': 'No answer'}[end]
    expect(by_testid(alice, 'history-item')).to_contain_text(words, timeout=30_000)
    for name in ('alice', 'bob'):
        world.cloud.wait_for_call('leave', uid=world.uid[name], sdk='rtc')
    assert world.cloud.channel_members(channel) == {}
    nothing_of_bob_before_the_accept(world, bob)
    for page in (alice, bob):
        page.wait_for_function(f'() => {LIVE_MEDIA} === 0')


def test_calling_back_while_it_rings_publishes_in_the_channel_already_joined(people):
    world = people('server', 'on')
    alice, [bob] = world.alice, world.bobs
    channel = ring(world)
    joined_while_ringing(world, channel)
    nothing_of_bob_before_the_accept(world, bob)
    by_testid(bob, 'call-alice').click()  # glare: alice's call is accepted
    wait_until_connected(alice, bob)
    assert len(world.rtc('join', 'bob')) == 1 and len(world.rtc('publish', 'bob')) == 1
    by_testid(bob, 'hang-up').click()
    expect(by_testid(alice, 'history-item')).to_contain_text('Completed', timeout=20_000)


def test_with_several_tabs_the_callee_preloads_and_the_answering_tab_joins(people):
    world = people('server', 'on', bob_tabs=2)
    alice, bobs = world.alice, world.bobs
    channel = ring(world)
    # Agora takes one session per user in a channel: each ringing tab preloads it instead of joining
    first = world.cloud.wait_for_call('preload', sdk='rtc')
    world.cloud.wait_for_call('preload', sdk='rtc', since=world.cloud.calls().index(first) + 1)
    preloads = [call['args'] for call in world.cloud.calls() if call['method'] == 'preload']
    assert [(app_id, room, uid) for app_id, room, _, uid in preloads] == [(APP_ID, channel, 'bob')] * 2
    bobs[0].wait_for_timeout(1000)
    assert world.rtc('join', 'bob') == []
    for bob in bobs:
        nothing_of_bob_before_the_accept(world, bob)
    by_testid(bobs[1], 'accept-call').click()
    wait_until_connected(alice, bobs[1])
    expect(by_testid(bobs[0], 'call-notice')).to_contain_text('another tab')
    assert len(world.rtc('join', 'bob')) == 1
    assert bobs[0].evaluate('window.__mediaOpened.length') == 0
    by_testid(alice, 'hang-up').click()
    expect(by_testid(bobs[1], 'history-item')).to_contain_text('Completed', timeout=20_000)


def test_a_tab_opened_while_it_rings_answers_and_the_tab_that_joined_leaves_the_channel(people):
    """bob's only tab joins while it rings; a second tab opened meanwhile rings too (and preloads: Agora takes one
    session per user); the first accept, on the second tab, wins: the first tab leaves the channel, its camera
    never opened, and the second joins once the server confirmed its answer (joining before would push out the
    other tab's session, which might have answered first)."""
    world = people('server', 'on')
    alice, [first] = world.alice, world.bobs
    channel = ring(world)
    joined_while_ringing(world, channel)
    second = open_tab(world.contexts[1], world.app.url)
    expect(by_testid(second, 'incoming-caller')).to_have_text('alice')
    world.cloud.wait_for_call('preload', sdk='rtc')  # (the SDK's own record: no uid)
    by_testid(second, 'accept-call').click()
    wait_until_connected(alice, second)
    expect(by_testid(first, 'call-notice')).to_contain_text('another tab')
    expect(by_testid(first, 'incoming-call')).to_have_count(0)
    world.cloud.wait_for_call('leave', uid=world.uid['bob'], sdk='rtc')
    assert first.evaluate('window.__mediaOpened.length') == 0 and first.evaluate(SHOWN) == 0
    assert len(world.rtc('join', 'bob')) == 2  # the first tab while it rang, the answering one at the answer
    media = {str(member): flags for member, flags in world.cloud.channel_members(channel).items()}
    assert media == {world.uid['alice']: {'audio': True, 'video': True},
                     world.uid['bob']: {'audio': True, 'video': True}}, media
    by_testid(alice, 'hang-up').click()
    expect(by_testid(second, 'history-item')).to_contain_text('Completed', timeout=20_000)


def test_an_accept_while_the_ringing_tab_still_joins_publishes_camera_and_microphone(people, cloud):
    """The accept can come before the ringing tab is in the channel (here Agora answers each join after 3 s): the tab
    opens its camera and microphone and publishes both once it has joined."""
    cloud.join_delay = 3.0
    world = people('server', 'on')
    alice, [bob] = world.alice, world.bobs
    channel = ring(world)
    world.cloud.wait_for_call('join', uid=world.uid['bob'], sdk='rtc')  # asked, not answered yet
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    [publish] = world.rtc('publish', 'bob')
    assert [track['kind'] for track in publish['args'][0]] == ['audio', 'video']
    media = {str(member): flags for member, flags in world.cloud.channel_members(channel).items()}
    assert media == {world.uid['alice']: {'audio': True, 'video': True},
                     world.uid['bob']: {'audio': True, 'video': True}}, media
    by_testid(bob, 'hang-up').click()
    expect(by_testid(alice, 'history-item')).to_contain_text('Completed', timeout=20_000)


# Click the ringing tab's accept button (if its banner is up): whether it was there to click.
CLICK_ACCEPT = '''() => {
  const accept = document.querySelector('[data-testid="accept-call"]');
  if (accept) accept.click();
  return !!accept;
}'''


@pytest.mark.parametrize('clicked', ['once-preloaded', 'while-the-sdk-loads'])
def test_a_tab_whose_accept_came_second_shows_no_call_and_never_opens_its_camera(people, clicked):
    """Both ringing tabs of bob click accept at one moment; the server lets the first accept win. A tab that only
    preloads the channel joins once the server confirmed its answer (joining as bob pushes out any other session of
    bob's): the winner joins and publishes; the other says the call was answered on another tab, never opens its
    camera or microphone and never joins, also when the clicks came before the SDK was even loaded."""
    world = people('server', 'on', bob_tabs=2)
    alice, bobs = world.alice, world.bobs
    held = []  # bob's requests for the SDK, answered only after the clicks
    if clicked == 'while-the-sdk-loads':
        world.contexts[1].route(f'**/{RTC_SDK_PATH}', lambda route: held.append(route))
    channel = ring(world)
    if clicked == 'while-the-sdk-loads':
        deadline = time.monotonic() + 15
        while len(held) < 2 and time.monotonic() < deadline:  # both tabs wait for the SDK
            bobs[0].wait_for_timeout(50)
        assert len(held) == 2
    else:
        first = world.cloud.wait_for_call('preload', sdk='rtc')
        world.cloud.wait_for_call('preload', sdk='rtc', since=world.cloud.calls().index(first) + 1)
    winner, loser = accept_at_once(bobs, CLICK_ACCEPT)
    expect(by_testid(loser, 'call-notice')).to_have_text('Answered on another tab')
    for route in held:  # (a tab imports the SDK once)
        route.continue_()
    wait_until_connected(alice, winner)
    expect(by_testid(loser, 'call-view')).to_have_count(0)
    expect(loser.locator('[data-testid="remote-video"], [data-testid="incoming-call"]')).to_have_count(0)
    media = {str(member): flags for member, flags in world.cloud.channel_members(channel).items()}
    assert media == {world.uid['alice']: {'audio': True, 'video': True},
                     world.uid['bob']: {'audio': True, 'video': True}}, media
    joins = [call for call in world.cloud.calls() if call['sdk'] == 'rtc' and call['method'] == 'join']
    assert [join['uid'] for join in joins] == [world.uid['alice'], world.uid['bob']]  # the winner's only
    assert loser.evaluate('window.__mediaOpened.length') == 0 and loser.evaluate(SHOWN) == 0
    assert winner.evaluate('window.__mediaOpened.length') == 1
    by_testid(winner, 'hang-up').click()
    for page in (alice, winner):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed', timeout=20_000)
    expect(by_testid(loser, 'history-item')).to_contain_text('Completed')
