"""Instant answer in embedded mode (INSTANT_ANSWER on, the default; off connects after the accept), in real Chromium.

While it rings the calling tab and each ringing tab of the callee connect; the callee's camera and microphone stay
closed, nothing of the callee is sent and nothing of the caller is shown until the accept. Every way a ringing call
ends closes every one of those connections; at the accept only the answering tab's stays.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import PEER_RECORDER, SIGN_IN_WAIT_MS, by_testid, register
from .test_browser_network import SELECTED_PAIR
from .test_browser_video_call import wait_until_both_play

pytestmark = pytest.mark.browser

# Every getUserMedia call a page makes (an init script, so it sees the page's first one too).
MEDIA_OPENED = '''(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  window.__mediaOpened = [];
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    window.__mediaOpened.push(stream);
    return stream;
  };
})()'''
# What a page's peer connections are doing: states, bytes sent as RTP and received, and whether any media element
# of the page plays a stream.
MEDIA_REPORT = '''async () => {
  const report = {opened: window.__mediaOpened.length, states: [], bytesSent: 0, bytesReceived: 0,
                  shown: [...document.querySelectorAll("video, audio")].filter((e) => e.srcObject).length};
  for (const pc of window.__peerConnections) {
    report.states.push(pc.connectionState);
    if (pc.connectionState === "closed") continue;
    (await pc.getStats()).forEach((r) => {
      if (r.type === "outbound-rtp") report.bytesSent += r.bytesSent || 0;
      if (r.type === "inbound-rtp") report.bytesReceived += r.bytesReceived || 0;
    });
  }
  return report;
}'''
LIVE_MEDIA = 'window.__mediaOpened.filter(s => s.getTracks().some(t => t.readyState === "live")).length'
# Click accept (if the banner is there) and say whether the caller's video plays right away, in the click's own task:
# before any answer from the server could have come.
ACCEPT_SHOWS_CALLER = '''() => {
  const accept = document.querySelector('[data-testid="accept-call"]');
  if (!accept) return null;
  accept.click();
  const video = document.querySelector('video[data-testid="remote-video"]');
  return !!(video && video.srcObject && video.isConnected);
}'''
INSTANT = [pytest.param('on', id='instant'), pytest.param('off', id='after-accept')]


def report(page) -> dict:
    return page.evaluate(MEDIA_REPORT)


def open_tab(context, url: str):
    page = context.new_page()
    page.goto(url)
    expect(by_testid(page, 'me')).to_be_visible(timeout=SIGN_IN_WAIT_MS)
    return page


def people(start_app, chromium, instant: str, bob_tabs: int = 1, **settings: str):
    app = start_app(INSTANT_ANSWER=instant, **settings)
    contexts = [chromium.new_context() for _ in range(2)]
    for context in contexts:
        context.add_init_script(PEER_RECORDER)
        context.add_init_script(MEDIA_OPENED)
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    bobs = [bob] + [open_tab(contexts[1], app.url) for _ in range(bob_tabs - 1)]
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    return app, contexts, alice, bobs


def wait_until_preconnected(alice, bobs) -> None:
    """Each ringing tab of bob is connected to alice's tab and receives her media, which no element plays."""
    alice.wait_for_function(f'() => window.__peerConnections.filter(pc => pc.connectionState === "connected")'
                            f'.length === {len(bobs)}', timeout=20_000)
    for bob in bobs:
        bob.wait_for_function('() => window.__peerConnections.length === 1 && '
                              'window.__peerConnections[0].connectionState === "connected"', timeout=20_000)
        bob.wait_for_function(f'async () => ({MEDIA_REPORT})().then(r => r.bytesReceived > 20000)', timeout=20_000)


def nothing_of_bob_before_the_accept(bob) -> None:
    seen = report(bob)
    assert seen['opened'] == 0, seen  # his camera and microphone were never opened
    assert seen['bytesSent'] == 0, seen  # not one byte of RTP
    assert seen['shown'] == 0, seen  # alice's media is not shown anywhere on his page


@pytest.mark.parametrize('instant', INSTANT)
def test_the_callee_sends_and_shows_nothing_before_the_accept(start_app, chromium, instant):
    app, contexts, alice, [bob] = people(start_app, chromium, instant)
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    if instant == 'on':
        wait_until_preconnected(alice, [bob])
        expect(by_testid(alice, 'outgoing-call')).to_be_visible()  # still ringing, though connected
        bob.wait_for_timeout(2500)  # a stats interval: anything sent would show now
    else:
        alice.wait_for_function('() => window.__peerConnections.length === 1')
        assert bob.evaluate('window.__peerConnections.length') == 0
    nothing_of_bob_before_the_accept(bob)

    assert bob.evaluate(ACCEPT_SHOWS_CALLER) is (instant == 'on')  # pre-connected: shown at the click, in the browser
    wait_until_both_play(alice, bob)
    assert [page.evaluate('window.__peerConnections.length') for page in (alice, bob)] == [1, 1]  # no new connection
    bob.wait_for_function(f'async () => ({MEDIA_REPORT})().then(r => r.bytesSent > 0 && r.opened === 1)')
    by_testid(alice, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed', timeout=20_000)
        page.wait_for_function(f'() => {LIVE_MEDIA} === 0')
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()


@pytest.mark.parametrize('end', ['decline', 'cancel', 'timeout'])
@pytest.mark.parametrize('instant', INSTANT)
def test_a_call_that_ends_while_ringing_closes_every_connection(start_app, chromium, instant, end):
    app, contexts, alice, bobs = people(start_app, chromium, instant, bob_tabs=2,
                                        **({'RING_TIMEOUT': '15'} if end == 'timeout' else {}))
    by_testid(alice, 'call-bob').click()
    for bob in bobs:
        expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    if instant == 'on':
        wait_until_preconnected(alice, bobs)
    if end == 'decline':
        by_testid(bobs[1], 'decline-call').click()
    elif end == 'cancel':
        by_testid(alice, 'cancel-call').click()
    words = {'decline': 'Declined', 'cancel': 'Cancelled', 'timeout': 'No answer'}[end]
    expect(by_testid(alice, 'history-item')).to_contain_text(words, timeout=30_000)
    for page in (alice, *bobs):
        expect(by_testid(page, 'incoming-call')).to_have_count(0)
        page.wait_for_function('() => window.__peerConnections.every(pc => pc.connectionState === "closed")')
        page.wait_for_function(f'() => {LIVE_MEDIA} === 0')
    for bob in bobs:
        nothing_of_bob_before_the_accept(bob)
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()


@pytest.mark.parametrize('instant', INSTANT)
def test_the_first_tab_to_accept_keeps_its_connection_and_the_others_close_theirs(start_app, chromium, instant):
    app, contexts, alice, bobs = people(start_app, chromium, instant, bob_tabs=2)
    by_testid(alice, 'call-bob').click()
    for bob in bobs:
        expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    if instant == 'on':
        wait_until_preconnected(alice, bobs)
        for bob in bobs:
            nothing_of_bob_before_the_accept(bob)
    answering, other = bobs[1], bobs[0]
    by_testid(answering, 'accept-call').press('Enter')  # the keyboard accepts as the click does
    wait_until_both_play(alice, answering)
    expect(by_testid(other, 'call-notice')).to_contain_text('another tab')
    other.wait_for_function('() => window.__peerConnections.every(pc => pc.connectionState === "closed")')
    nothing_of_bob_before_the_accept(other)
    # alice's tab keeps one connection: the answering tab's
    alice.wait_for_function('() => window.__peerConnections.filter(pc => pc.connectionState !== "closed").length'
                            ' === 1')
    assert answering.evaluate('window.__peerConnections.length') == 1
    by_testid(answering, 'hang-up').click()
    for page in (alice, answering):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed', timeout=20_000)
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()


def accept_at_once(bobs: list, click_js: str) -> tuple:
    """Both tabs click Accept (`click_js`, which returns True when the click did what it should) at the same moment
    of the browser's one clock, each banner still up at its click; returns (the winning tab, the other)."""
    at = max(bob.evaluate('performance.timeOrigin + performance.now()') for bob in bobs) + 300
    for bob in bobs:
        bob.evaluate(f'''at => setTimeout(() => window.__accepted = ({click_js})(),
                                          at - performance.timeOrigin - performance.now())''', at)
    for bob in bobs:
        bob.wait_for_function('() => window.__accepted !== undefined')
        assert bob.evaluate('window.__accepted') is True
    bobs[0].wait_for_function('''() => document.querySelector('[data-testid="call-view"]')
        || document.querySelector('[data-testid="call-notice"]').textContent.includes("another tab")''')
    return bobs if by_testid(bobs[0], 'call-view').count() else bobs[::-1]


def test_a_tab_whose_accept_came_second_shows_no_call_and_releases_its_camera(start_app, chromium):
    """Both ringing tabs show the caller and open the camera at their click; the server lets the first accept win and
    the other tab takes back what its click started."""
    app, contexts, alice, bobs = people(start_app, chromium, 'on', bob_tabs=2)
    by_testid(alice, 'call-bob').click()
    for bob in bobs:
        expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    wait_until_preconnected(alice, bobs)
    # shown at its click, before the server's answer
    winner, loser = accept_at_once(bobs, ACCEPT_SHOWS_CALLER)
    wait_until_both_play(alice, winner)
    expect(by_testid(loser, 'call-notice')).to_contain_text('another tab')
    expect(by_testid(loser, 'call-view')).to_have_count(0)
    expect(loser.locator('[data-testid="remote-video"], [data-testid="incoming-call"]')).to_have_count(0)
    # its camera was opened at its click, and is released
    loser.wait_for_function(f'() => window.__mediaOpened.length === 1 && {LIVE_MEDIA} === 0')
    loser.wait_for_function('() => window.__peerConnections.every(pc => pc.connectionState === "closed")')
    assert winner.evaluate('window.__mediaOpened.length') == 1  # once, at its click: the call view took it over
    by_testid(winner, 'hang-up').click()
    for page in (alice, winner):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed', timeout=20_000)
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()


@pytest.mark.parametrize('instant', INSTANT)
def test_calling_back_while_it_rings_answers_on_the_connection_already_there(start_app, chromium, instant):
    app, contexts, alice, [bob] = people(start_app, chromium, instant)
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    if instant == 'on':
        wait_until_preconnected(alice, [bob])
        nothing_of_bob_before_the_accept(bob)
    by_testid(bob, 'call-alice').click()  # glare: alice's call is accepted
    wait_until_both_play(alice, bob)
    assert [page.evaluate('window.__peerConnections.length') for page in (alice, bob)] == [1, 1]
    assert bob.evaluate('window.__mediaOpened.length') == 1
    by_testid(bob, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'history-item')).to_contain_text('Completed', timeout=20_000)
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()


# Every candidate a page's connections gathered or were given, as the candidate lines of PEER_RECORDER's log and of
# the descriptions they set (a complete offer carries its candidates inside).
CANDIDATE_TYPES = r'''() => {
  const types = [];
  for (const lines of window.__peerLogs) {
    for (const line of lines) {
      const found = line.match(/candidate:.* typ (\w+)/);
      if (found) types.push(found[1]);
    }
  }
  for (const pc of window.__peerConnections) {
    for (const description of [pc.localDescription, pc.remoteDescription]) {
      for (const found of (description ? description.sdp : "").matchAll(/a=candidate:.* typ (\w+)/g)) {
        types.push(found[1]);
      }
    }
  }
  return types;
}'''


def test_with_the_relay_policy_only_relay_candidates_leave_either_side(start_app, chromium, turn_server):
    app, contexts, alice, [bob] = people(start_app, chromium, 'on', TURN_URLS=turn_server.url,
                                         TURN_SECRET=turn_server.secret, ICE_TRANSPORT_POLICY='relay')
    by_testid(alice, 'call-bob').click()
    wait_until_preconnected(alice, [bob])
    for page in (alice, bob):
        assert page.evaluate(SELECTED_PAIR) == ['relay', 'relay']
        types = page.evaluate(CANDIDATE_TYPES)
        assert types and set(types) == {'relay'}, types
    nothing_of_bob_before_the_accept(bob)
    by_testid(bob, 'accept-call').click()
    wait_until_both_play(alice, bob)
    for page in (alice, bob):
        assert set(page.evaluate(CANDIDATE_TYPES)) == {'relay'}
    by_testid(alice, 'hang-up').click()
    expect(by_testid(bob, 'history-item')).to_contain_text('Completed', timeout=20_000)
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()


def test_when_the_calling_tab_closes_the_ringing_tab_connects_to_the_one_that_takes_over(start_app, chromium):
    app, contexts, alice, [bob] = people(start_app, chromium, 'on')
    other = open_tab(contexts[0], app.url)  # alice's second tab
    by_testid(alice, 'call-bob').click()
    wait_until_preconnected(alice, [bob])
    alice.close()  # her other tab takes the call over while it rings
    expect(by_testid(other, 'outgoing-call')).to_be_visible(timeout=20_000)
    other.wait_for_function('() => window.__peerConnections.some(pc => pc.connectionState === "connected")',
                            timeout=20_000)
    bob.wait_for_function('() => window.__peerConnections.filter(pc => pc.connectionState === "connected").length'
                          ' === 1 && window.__peerConnections.length === 2', timeout=20_000)
    nothing_of_bob_before_the_accept(bob)
    by_testid(bob, 'accept-call').click()
    wait_until_both_play(other, bob)
    by_testid(bob, 'hang-up').click()
    expect(by_testid(other, 'history-item')).to_contain_text('Completed', timeout=20_000)
    assert 'Traceback' not in app.log()
    for context in contexts:
        context.close()
