"""Two ringboard processes behind the real HAProxy of deploy/ with sticky sessions, sharing Redis and PostgreSQL
(tests/cluster.py), each person's browser (a Chromium context) kept on one process by the proxy's cookie: presence
both ways, a video call and its hang-up across them, every tab ringing with the callee's tabs on both processes and
the first accept winning, glare across them, a cancel racing an accept, a process killed mid-call and mid-ring, and
Redis stopped and started again while they run (signing in waits, in plain words; in the Agora modes too). A restart
of every process: tests/test_browser_cluster.py."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from ui.session import SIGN_IN_PAUSED, SIGN_OUT_PAUSED

from .browser import PEER_RECORDER, by_testid
from .cluster import STICKY_COOKIE, Cluster
from .fake_agora_cloud import FakeAgoraCloud
from .isolated_settings import isolate_settings
from .test_browser_agora_mode import APP_ID, CERTIFICATE, wait_until_connected
from .test_browser_video_call import wait_until_both_play

pytestmark = pytest.mark.browser

PEOPLE = 'alice,bob,carol,dave,erin,frank,grace,heidi'  # demo people: each test of the shared cluster has its own
PROCESS_DEATH_NOTICED = 20_000  # ms: DESIGN.md's bound for a call held by a dead process (its users' presence: 15 s)
PRESENCE_GONE = 15_000
# Whether the page ever showed the call view (`window.__sawCallView`), however briefly.
CALL_VIEW_WATCH = '''(() => {
  window.__sawCallView = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="call-view"]')) window.__sawCallView = true;
  }).observe(document, {childList: true, subtree: true});
})()'''


@pytest.fixture(scope='module')
def running(tmp_path_factory: pytest.TempPathFactory, postgres_server) -> Iterator[Cluster]:
    """One cluster for the tests that leave it as they found it (each with people of its own)."""
    folder = tmp_path_factory.mktemp('processes')
    with pytest.MonkeyPatch.context() as monkeypatch:  # the app processes inherit the environment
        isolate_settings(monkeypatch, folder / 'data')
        cluster = Cluster(folder, postgres_server.new_database(), DEMO_USERS=PEOPLE)
    yield cluster
    cluster.stop()
    for app in cluster.apps:
        assert 'Traceback' not in app.log(), app.log()


@pytest.fixture
def open_page(chromium) -> Iterator[Callable[[Cluster, int, str], Page]]:
    """Signs a demo person in, in a browser of their own that the proxy sends to process `number`; closed after
    the test."""
    contexts = []

    def open_page(cluster: Cluster, number: int, username: str) -> Page:
        context = chromium.new_context()
        contexts.append(context)
        context.add_cookies([cluster.sticky_cookie(number)])
        context.add_init_script(PEER_RECORDER)
        context.add_init_script(CALL_VIEW_WATCH)
        page = context.new_page()
        page.goto(f'{cluster.url}/login')
        by_testid(page, f'demo-login-{username}').click()
        expect(by_testid(page, 'me')).to_have_text(username)
        assert process_of(page) == f'app{number + 1}'
        return page

    yield open_page
    for context in contexts:
        context.close()


def process_of(page: Page) -> str:
    """The process the proxy sends this page's browser to (its sticky cookie)."""
    [value] = [cookie['value'] for cookie in page.context.cookies() if cookie['name'] == STICKY_COOKIE]
    return value


def see_each_other(pages: dict[str, Page]) -> None:
    """Each person's page shows every other one online."""
    for name, page in pages.items():
        for other in pages:
            if other != name:
                expect(by_testid(page, f'status-{other}')).to_have_text('online')


def ring_and_accept(caller: Page, callee: Page, callee_name: str, caller_name: str) -> None:
    by_testid(caller, f'call-{callee_name}').click()
    expect(by_testid(caller, 'outgoing-call')).to_be_visible()
    expect(by_testid(callee, 'incoming-caller')).to_have_text(caller_name)
    by_testid(callee, 'accept-call').click()
    for page in (caller, callee):
        expect(by_testid(page, 'call-view')).to_be_visible()


def click_at_once(clicks: list[tuple[Page, str]]) -> None:
    """Each page clicks its button at one moment of the machine's clock, each browser sending its own click to its
    own process."""
    at = round(time.time() * 1000) + 1500
    for page, button in clicks:
        page.evaluate('([testid, at]) => { const button = document.querySelector(`[data-testid="${testid}"]`); '
                      'setTimeout(() => button.click(), at - Date.now()); }', [button, at])


def hang_up(page: Page) -> None:
    expect(by_testid(page, 'hang-up')).to_be_enabled()
    page.evaluate('document.querySelector(\'[data-testid="hang-up"]\').click()')  # a loaded page's click


def test_presence_and_a_video_call_across_processes(running, open_page, artifacts):
    alice, bob = open_page(running, 0, 'alice'), open_page(running, 1, 'bob')
    see_each_other({'alice': alice, 'bob': bob})
    ring_and_accept(alice, bob, 'bob', 'alice')
    wait_until_both_play(alice, bob, artifacts)  # the offer, answer and candidates crossed between the processes
    expect(by_testid(alice, 'status-bob')).to_have_text('busy')
    expect(by_testid(bob, 'status-alice')).to_have_text('busy')

    by_testid(bob, 'hang-up').click()
    expect(by_testid(bob, 'call-notice')).to_contain_text('Call ended')
    expect(by_testid(alice, 'call-notice')).to_contain_text('bob hung up')
    for page, peer in ((alice, 'bob'), (bob, 'alice')):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, f'status-{peer}')).to_have_text('online')
        expect(by_testid(page, 'history-item')).to_have_count(1)  # written once, shown on both processes

    alice.context.close()  # presence goes too, both ways
    expect(by_testid(bob, 'status-alice')).to_have_text('offline')


def test_every_tab_rings_on_both_processes_and_the_first_accept_wins(running, open_page, artifacts):
    carol = open_page(running, 0, 'carol')
    dave_here, dave_there = open_page(running, 0, 'dave'), open_page(running, 1, 'dave')  # beside carol, and not
    see_each_other({'carol': carol, 'dave': dave_here})
    expect(by_testid(dave_there, 'status-carol')).to_have_text('online')

    by_testid(carol, 'call-dave').click()
    for dave in (dave_here, dave_there):
        expect(by_testid(dave, 'incoming-caller')).to_have_text('carol')
    by_testid(dave_there, 'accept-call').click()
    for page in (carol, dave_there):
        expect(by_testid(page, 'call-view')).to_be_visible()
    wait_until_both_play(carol, dave_there, artifacts)  # the caller's media reached the tab that answered
    expect(by_testid(dave_here, 'incoming-call')).to_have_count(0)
    expect(by_testid(dave_here, 'call-notice')).to_have_text('Answered on another tab')
    assert dave_here.evaluate('window.__sawCallView') is False  # it never showed the call
    # (with instant answer it connected while it rang, and sends nothing of its own before an accept): now closed
    dave_here.wait_for_function('() => window.__peerConnections.every(pc => pc.connectionState === "closed")')

    hang_up(carol)
    expect(by_testid(dave_there, 'call-notice')).to_contain_text('carol hung up')
    for page in (carol, dave_here, dave_there):
        expect(by_testid(page, 'history-item')).to_have_count(1)
        expect(by_testid(page, 'history-item')).to_contain_text('Completed')
        expect(by_testid(page, 'call-view')).to_have_count(0)


def test_glare_across_processes_is_one_call(running, open_page, artifacts):
    erin, frank = open_page(running, 0, 'erin'), open_page(running, 1, 'frank')
    see_each_other({'erin': erin, 'frank': frank})
    click_at_once([(erin, 'call-frank'), (frank, 'call-erin')])
    # One call, whoever's invite came first: the other one answered it (DESIGN.md's glare rule), nobody is busy.
    for page in (erin, frank):
        expect(by_testid(page, 'call-view')).to_be_visible()
    wait_until_both_play(erin, frank, artifacts)
    for page in (erin, frank):
        expect(by_testid(page, 'call-notice')).to_be_hidden()
        page.wait_for_function('() => window.__peerConnections.filter(pc => pc.connectionState !== "closed")'
                               '.length === 1')  # one connection: the one call's
    hang_up(erin)
    expect(by_testid(frank, 'call-notice')).to_contain_text('erin hung up')
    for page, peer in ((erin, 'frank'), (frank, 'erin')):
        expect(by_testid(page, 'history-item')).to_have_count(1)
        expect(by_testid(page, 'history-item')).to_contain_text(peer)
        expect(by_testid(page, 'history-item')).to_contain_text('Completed')
        expect(by_testid(page, f'status-{peer}')).to_have_text('online')


def test_a_cancel_racing_an_accept_across_processes_has_one_outcome(running, open_page):
    grace, heidi = open_page(running, 0, 'grace'), open_page(running, 1, 'heidi')
    see_each_other({'grace': grace, 'heidi': heidi})
    by_testid(grace, 'call-heidi').click()
    expect(by_testid(grace, 'cancel-call')).to_be_visible()
    expect(by_testid(heidi, 'accept-call')).to_be_visible()
    click_at_once([(grace, 'cancel-call'), (heidi, 'accept-call')])
    expect(by_testid(grace, 'outgoing-call')).to_have_count(0)
    expect(by_testid(heidi, 'incoming-call')).to_have_count(0)
    if by_testid(grace, 'call-view').count():  # the accept won: both are in the call
        expect(by_testid(heidi, 'call-view')).to_be_visible()
        hang_up(grace)
        expect(by_testid(heidi, 'call-notice')).to_contain_text('grace hung up')
    else:  # the cancel won: nobody is in a call
        expect(by_testid(grace, 'call-notice')).to_have_text('Call cancelled')
        expect(by_testid(heidi, 'call-notice')).to_have_text('grace cancelled · missed call')
        expect(by_testid(heidi, 'call-view')).to_have_count(0)
    for page in (grace, heidi):
        expect(by_testid(page, 'history-item')).to_have_count(1)
    rows = [by_testid(page, 'history-item').inner_text() for page in (grace, heidi)]
    answered = ['Completed' in row for row in rows]
    assert answered in ([True, True], [False, False]), rows  # the same outcome on both processes
    if not answered[0]:
        assert 'Cancelled' in rows[0] and 'Missed' in rows[1], rows


@pytest.fixture
def cluster(start_cluster) -> Iterator[Cluster]:
    """A cluster of the test's own, for a test that kills a part of it."""
    cluster = start_cluster(DEMO_USERS=PEOPLE, redis_on_disk=True)  # a deployed Redis keeps its sign-ins
    yield cluster
    for app in cluster.apps:
        assert 'Traceback' not in app.log(), app.log()


def test_a_process_killed_mid_call_ends_the_call_and_its_browser_moves_on(cluster, open_page):
    alice, bob = open_page(cluster, 0, 'alice'), open_page(cluster, 1, 'bob')
    bob_elsewhere = open_page(cluster, 0, 'bob')  # another browser of bob's, on the surviving process
    carol = open_page(cluster, 0, 'carol')  # watches both from the surviving process
    see_each_other({'alice': alice, 'bob': bob})
    ring_and_accept(alice, bob, 'bob', 'alice')
    expect(bob_elsewhere.get_by_text('In a call with alice in another tab')).to_be_visible()
    expect(by_testid(carol, 'status-bob')).to_have_text('busy')

    cluster.kill(1)  # SIGKILL: bob's process says nothing to anyone
    expect(by_testid(alice, 'call-notice')).to_have_text('Lost the connection to bob. The call ended.',
                                                         timeout=PROCESS_DEATH_NOTICED)
    expect(by_testid(alice, 'call-view')).to_have_count(0)
    expect(bob_elsewhere.get_by_text('In a call with alice in another tab')).to_have_count(0)
    expect(by_testid(bob_elsewhere, 'call-notice')).to_contain_text('The call ended.')
    # bob's page lost its process: the proxy sends his browser to the other one, where his sign-in holds.
    expect(by_testid(bob, 'me')).to_have_text('bob', timeout=PROCESS_DEATH_NOTICED)
    assert process_of(bob) == 'app1'
    expect(by_testid(bob, 'call-view')).to_have_count(0)
    expect(by_testid(bob, 'history-item')).to_have_count(1)
    expect(by_testid(alice, 'history-item')).to_have_count(1)
    for user in ('alice', 'bob'):  # nobody is left busy
        expect(by_testid(carol, f'status-{user}')).to_have_text('online', timeout=PRESENCE_GONE)


def test_a_caller_process_killed_mid_ring_ends_the_ringing_and_its_presence(cluster, open_page):
    alice, bob = open_page(cluster, 0, 'alice'), open_page(cluster, 1, 'bob')
    carol = open_page(cluster, 1, 'carol')  # watches from the surviving process
    see_each_other({'alice': alice, 'bob': bob})
    expect(by_testid(carol, 'status-alice')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')

    alice.context.set_offline(True)  # her browser is gone with her process (else the proxy moves it on)
    cluster.kill(0)
    expect(by_testid(bob, 'incoming-call')).to_have_count(0, timeout=PROCESS_DEATH_NOTICED)
    expect(by_testid(bob, 'call-notice')).to_have_text('alice cancelled · missed call')
    expect(by_testid(carol, 'status-alice')).to_have_text('offline', timeout=PRESENCE_GONE)
    expect(by_testid(carol, 'status-bob')).to_have_text('online')  # not left busy


def test_redis_lost_while_running_says_so_ends_the_call_and_recovers(cluster, open_page, chromium):
    alice, bob = open_page(cluster, 0, 'alice'), open_page(cluster, 1, 'bob')
    see_each_other({'alice': alice, 'bob': bob})
    ring_and_accept(alice, bob, 'bob', 'alice')

    cluster.redis.stop()
    redis_lost_ends_the_call(alice, bob)

    # Sign-ins live in Redis: the login page says plainly that signing in waits, and nothing is lost.
    visitor = chromium.new_context().new_page()  # not signed in: asks for the dashboard through the other process
    visitor.context.add_cookies([cluster.sticky_cookie(1)])
    visitor.goto(f'{cluster.url}/')
    expect(visitor).to_have_url(f'{cluster.url}/login')
    expect(by_testid(visitor, 'auth-error')).to_have_text(SIGN_IN_PAUSED)
    by_testid(visitor, 'demo-login-carol').click()
    expect(by_testid(visitor, 'auth-error')).to_have_text(SIGN_IN_PAUSED)
    expect(visitor).to_have_url(f'{cluster.url}/login')
    by_testid(alice, 'logout').click()  # a sign-out cannot be written either: it says so, and pretends nothing
    expect(alice.get_by_text(SIGN_OUT_PAUSED)).to_be_visible()
    expect(by_testid(alice, 'me')).to_have_text('alice')
    bob.reload()  # signed in, but that cannot be checked now: the login page says so
    expect(bob).to_have_url(f'{cluster.url}/login')
    expect(by_testid(bob, 'auth-error')).to_have_text(SIGN_IN_PAUSED)

    cluster.start_redis_again()  # with what it had
    expect(by_testid(bob, 'me')).to_have_text('bob')  # his login page went on to the dashboard: still signed in
    expect(by_testid(visitor, 'auth-error')).to_be_hidden()
    by_testid(visitor, 'demo-login-carol').click()
    expect(by_testid(visitor, 'me')).to_have_text('carol')
    visitor.context.close()
    for page, peer in ((alice, 'bob'), (bob, 'alice')):
        expect(by_testid(page, 'reconnecting')).to_be_hidden()
        expect(by_testid(page, f'status-{peer}')).to_have_text('online')
    ring_and_accept(alice, bob, 'bob', 'alice')  # the call it kept was ended there too: nobody is busy
    by_testid(alice, 'hang-up').click()
    expect(by_testid(bob, 'call-notice')).to_contain_text('alice hung up')


def redis_lost_ends_the_call(alice: Page, bob: Page) -> None:
    """Both pages say Redis is lost, the call ends with that reason, and a new call is refused in plain words."""
    for page in (alice, bob):
        expect(by_testid(page, 'reconnecting')).to_be_visible()
        expect(by_testid(page, 'call-notice')).to_have_text(
            'The call failed: the server lost its connection to Redis.')
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_have_count(1)  # the database still takes the history
    by_testid(alice, 'call-bob').click()  # a clear refusal, and nothing changes
    expect(by_testid(alice, 'call-notice')).to_have_text(
        'Calls are paused while the server reconnects. Try again in a moment.')


@pytest.mark.parametrize('signaling', ['agora-rtm', 'agora-signaling'])
def test_redis_lost_in_agora_mode_says_so_and_recovers(start_cluster, open_page, tmp_path, signaling):
    with FakeAgoraCloud() as cloud:
        cluster = start_cluster(DEMO_USERS=PEOPLE, redis_on_disk=True, SIGNALING=signaling, AGORA_APP_ID=APP_ID,
                                AGORA_APP_CERTIFICATE=CERTIFICATE, AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)))
        alice, bob = open_page(cluster, 0, 'alice'), open_page(cluster, 1, 'bob')
        see_each_other({'alice': alice, 'bob': bob})  # from Agora's presence
        ring_and_accept(alice, bob, 'bob', 'alice')
        wait_until_connected(alice, bob)  # joined the call's Agora channel with tokens of this cluster

        cluster.redis.stop()
        redis_lost_ends_the_call(alice, bob)
        if signaling == 'agora-rtm':  # an invitation Agora brings meanwhile cannot be checked: refused, plainly
            since = cloud.mark()
            cloud.rtm_event('bob', 'RemoteInvitationReceived', {
                'callerId': 'alice', 'channelId': 'somechannel',
                'content': json.dumps({'callId': str(uuid.uuid4()), 'kind': 'video'})})
            assert cloud.wait_for_call('refuse', uid='bob', since=since)['invitation']['response'] == 'reconnecting'
        cluster.start_redis_again()
        for page in (alice, bob):
            expect(by_testid(page, 'reconnecting')).to_be_hidden()
        ring_and_accept(alice, bob, 'bob', 'alice')
        wait_until_connected(alice, bob)
        by_testid(alice, 'hang-up').click()
        expect(by_testid(bob, 'call-notice')).to_contain_text('alice hung up')
    for app in cluster.apps:
        assert 'Traceback' not in app.log(), app.log()
