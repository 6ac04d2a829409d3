"""Two ringboard processes sharing one real Redis (REDIS_URL) and one database, each with its own Chromium: presence,
a video call and its hang-up across them, a cancel racing an accept, a process killed mid-call and mid-ring, and
Redis stopped and started again while they run."""
from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .app_server import AppServer
from .browser import CHROMIUM, CHROMIUM_ARGS, PEER_RECORDER, by_testid
from .redis_server import RedisServer
from .test_browser_video_call import wait_until_both_play

pytestmark = pytest.mark.browser

PROCESS_DEATH_NOTICED = 20_000  # ms: DESIGN.md's bound for a call held by a dead process (its users' presence: 15 s)
PRESENCE_GONE = 15_000


@pytest.fixture(scope='module')
def two_chromiums() -> Iterator[tuple]:
    """One Chromium per process, as two people on two machines."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browsers = [playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) for _ in range(2)]
        yield tuple(browsers)
        for browser in browsers:
            browser.close()


class Cluster:
    """Redis, and two app processes started as the README says: the same DATABASE_URL, STORAGE_SECRET and REDIS_URL,
    their own PORT (and data folder)."""

    def __init__(self, tmp_path: Path) -> None:
        self.redis_data = tmp_path / 'redis'
        self.redis_data.mkdir()
        self.redis = RedisServer(data_dir=self.redis_data)  # kept on disk, as a deployed Redis keeps its sign-ins
        self.settings = {'REDIS_URL': self.redis.url, 'DATABASE_URL': f'sqlite:///{tmp_path / "shared.db"}',
                         'STORAGE_SECRET': secrets.token_urlsafe(32), 'DEMO_USERS': 'alice,bob,carol'}
        self.apps = [AppServer(tmp_path / f'process{number}', **self.settings) for number in range(2)]

    def stop(self) -> None:
        for app in self.apps:
            app.stop()
        self.redis.stop()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path)
    yield cluster
    cluster.stop()
    for app in cluster.apps:
        assert 'Traceback' not in app.log(), app.log()


def sign_in(browser, app: AppServer, username: str) -> Page:
    context = browser.new_context()
    context.add_init_script(PEER_RECORDER)
    page = context.new_page()
    page.goto(f'{app.url}/login')
    by_testid(page, f'demo-login-{username}').click()
    expect(by_testid(page, 'me')).to_have_text(username)
    return page


@pytest.fixture
def alice_and_bob(cluster: Cluster, two_chromiums) -> tuple[Page, Page]:
    """alice on the first process, bob on the second, each seeing the other online."""
    alice = sign_in(two_chromiums[0], cluster.apps[0], 'alice')
    bob = sign_in(two_chromiums[1], cluster.apps[1], 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    expect(by_testid(bob, 'status-alice')).to_have_text('online')
    yield alice, bob
    for page in (alice, bob):
        page.context.close()


def ring_and_accept(alice: Page, bob: Page) -> None:
    by_testid(alice, 'call-bob').click()
    expect(by_testid(alice, 'outgoing-call')).to_be_visible()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    by_testid(bob, 'accept-call').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_be_visible()


def test_presence_and_a_video_call_across_processes(alice_and_bob, artifacts):
    alice, bob = alice_and_bob
    ring_and_accept(alice, bob)
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

    bob.context.close()  # presence goes too
    expect(by_testid(alice, 'status-bob')).to_have_text('offline')


def test_a_cancel_racing_an_accept_across_processes_has_one_outcome(alice_and_bob):
    alice, bob = alice_and_bob
    by_testid(alice, 'call-bob').click()
    expect(by_testid(alice, 'cancel-call')).to_be_visible()
    expect(by_testid(bob, 'accept-call')).to_be_visible()
    # Both clicks at one moment of the machine's clock, each browser sending its own to its own process.
    at = round(time.time() * 1000) + 1500
    for page, button in ((alice, 'cancel-call'), (bob, 'accept-call')):
        page.evaluate('([testid, at]) => { const button = document.querySelector(`[data-testid="${testid}"]`); '
                      'setTimeout(() => button.click(), at - Date.now()); }', [button, at])
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)
    if by_testid(alice, 'call-view').count():  # the accept won: both are in the call
        expect(by_testid(bob, 'call-view')).to_be_visible()
        expect(by_testid(alice, 'hang-up')).to_be_enabled()
        alice.evaluate('document.querySelector(\'[data-testid="hang-up"]\').click()')  # a loaded page's click
        expect(by_testid(bob, 'call-notice')).to_contain_text('alice hung up')
    else:  # the cancel won: nobody is in a call
        expect(by_testid(alice, 'call-notice')).to_have_text('Call cancelled')
        expect(by_testid(bob, 'call-notice')).to_have_text('alice cancelled · missed call')
        expect(by_testid(bob, 'call-view')).to_have_count(0)
    for page in (alice, bob):
        expect(by_testid(page, 'history-item')).to_have_count(1)
    rows = [by_testid(page, 'history-item').inner_text() for page in (alice, bob)]
    answered = ['Completed' in row for row in rows]
    assert answered in ([True, True], [False, False]), rows  # the same outcome on both processes
    if not answered[0]:
        assert 'Cancelled' in rows[0] and 'Missed' in rows[1], rows


def test_a_process_killed_mid_call_ends_the_call_and_its_presence(cluster, alice_and_bob, two_chromiums):
    alice, bob = alice_and_bob
    carol = sign_in(two_chromiums[0], cluster.apps[0], 'carol')  # watches both from the surviving process
    ring_and_accept(alice, bob)
    expect(by_testid(carol, 'status-bob')).to_have_text('busy')

    cluster.apps[1].process.kill()  # SIGKILL: bob's process says nothing to anyone
    expect(by_testid(alice, 'call-notice')).to_have_text('Lost the connection to bob. The call ended.',
                                                         timeout=PROCESS_DEATH_NOTICED)
    expect(by_testid(alice, 'call-view')).to_have_count(0)
    expect(by_testid(carol, 'status-bob')).to_have_text('offline', timeout=PRESENCE_GONE)
    expect(by_testid(carol, 'status-alice')).to_have_text('online')  # nobody is left busy
    expect(by_testid(alice, 'history-item')).to_have_count(1)
    carol.context.close()


def test_a_caller_process_killed_mid_ring_ends_the_ringing(cluster, alice_and_bob):
    alice, bob = alice_and_bob
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')

    cluster.apps[0].process.kill()
    expect(by_testid(bob, 'incoming-call')).to_have_count(0, timeout=PROCESS_DEATH_NOTICED)
    expect(by_testid(bob, 'call-notice')).to_have_text('alice cancelled · missed call')
    expect(by_testid(bob, 'status-alice')).to_have_text('offline', timeout=PRESENCE_GONE)


def test_redis_lost_while_running_says_so_ends_the_call_and_recovers(cluster, alice_and_bob):
    alice, bob = alice_and_bob
    ring_and_accept(alice, bob)

    cluster.redis.stop()
    for page in (alice, bob):
        expect(by_testid(page, 'reconnecting')).to_be_visible()
        expect(by_testid(page, 'call-notice')).to_have_text(
            'The call failed: the server lost its connection to Redis.')
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_have_count(1)  # the database still takes the history
    by_testid(alice, 'call-bob').click()  # a clear refusal, and nothing changes
    expect(by_testid(alice, 'call-notice')).to_have_text(
        'Calls are paused while the server reconnects. Try again in a moment.')

    cluster.redis = RedisServer(port=cluster.redis.port, data_dir=cluster.redis_data)  # with what it had
    for page, peer in ((alice, 'bob'), (bob, 'alice')):
        expect(by_testid(page, 'reconnecting')).to_be_hidden()
        expect(by_testid(page, f'status-{peer}')).to_have_text('online')
    ring_and_accept(alice, bob)  # the call it kept was ended there too: nobody is busy
    by_testid(alice, 'hang-up').click()
    expect(by_testid(bob, 'call-notice')).to_contain_text('alice hung up')
