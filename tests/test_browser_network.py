"""Calls across a network, with real parts: the app over HTTPS with a certificate the test makes, and a relay-only
call through Debian's coturn with credentials the server mints (and what a relay that refuses them looks like)."""
from __future__ import annotations

import re
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from .browser import PEER_RECORDER, by_testid, register
from .self_signed import self_signed_certificate
from .test_browser_video_call import wait_until_both_play

pytestmark = pytest.mark.browser


def two_people(chromium, app_url: str, **context_options):
    contexts = [chromium.new_context(**context_options) for _ in range(2)]
    for context in contexts:
        context.add_init_script(PEER_RECORDER)
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app_url, 'alice')
    register(bob, app_url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    return contexts, alice, bob


def test_a_call_over_https(start_app, chromium, tmp_path):
    certificate, key = self_signed_certificate(tmp_path / 'tls')
    app = start_app(SSL_CERTFILE=str(certificate), SSL_KEYFILE=str(key))
    assert app.url.startswith('https://')
    contexts, alice, bob = two_people(chromium, app.url, ignore_https_errors=True)  # the test's own certificate
    for page in (alice, bob):
        assert page.evaluate('location.protocol') == 'https:'
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    wait_until_both_play(alice, bob)
    by_testid(alice, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-notice')).to_contain_text('Call ended')
    for context in contexts:
        context.close()


# The selected candidate pair of the page's latest peer connection: (local type, remote type) (needs PEER_RECORDER).
SELECTED_PAIR = '''async () => {
  const stats = await window.__peerConnections.at(-1).getStats();
  let pair = null;
  stats.forEach((r) => {
    if (r.type === "transport" && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId);
  });
  if (!pair) return null;
  return [stats.get(pair.localCandidateId).candidateType, stats.get(pair.remoteCandidateId).candidateType];
}'''


def test_a_relay_only_call_through_coturn(start_app, chromium, turn_server, artifacts):
    app = start_app(TURN_URLS=turn_server.url, TURN_SECRET=turn_server.secret, ICE_TRANSPORT_POLICY='relay',
                    TURN_TTL='600')
    contexts, alice, bob = two_people(chromium, app.url)
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    wait_until_both_play(alice, bob, artifacts)
    answered = time.time()
    for page in (alice, bob):
        assert page.evaluate(SELECTED_PAIR) == ['relay', 'relay']
        assert turn_server.secret not in page.content()  # only credentials derived from it reach a browser
    log = turn_server.log()
    for user in ('alice', 'bob'):
        allocated = re.search(rf'user <(\d+):{user}>: incoming packet ALLOCATE processed, success', log)
        assert allocated, log[-3000:]
        assert 0 < int(allocated[1]) - answered <= 600  # minted at the call's start, valid TURN_TTL seconds
        assert re.search(rf'user <\d+:{user}>: incoming packet CREATE_PERMISSION processed, success', log)
    for page in (alice, bob):
        expect(by_testid(page, 'network-quality')).to_have_text(re.compile('^(good|fair|poor)$'))
        by_testid(page, 'connection-details').click()
        expect(by_testid(page, 'connection-route')).to_have_text('relayed')
    alice.screenshot(path=artifacts / 'connection-details.png')
    turn_server.stop()  # the relay goes away mid-call: both sides say so, and wait out the reconnect grace
    for page in (alice, bob):
        expect(by_testid(page, 'network-quality')).to_have_text('lost', timeout=15_000)
        expect(page.get_by_text('Reconnecting…')).to_be_visible(timeout=15_000)
    by_testid(bob, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-notice')).to_contain_text('Call ended')
    for context in contexts:
        context.close()


def test_a_relay_that_refuses_the_credentials_fails_the_call_plainly(start_app, chromium, turn_server):
    app = start_app(TURN_URLS=turn_server.url, TURN_SECRET='not-the-relays-secret', ICE_TRANSPORT_POLICY='relay')
    contexts, alice, bob = two_people(chromium, app.url)
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    for page in (alice, bob):  # within the connect timeout (20 s), which would end it without a reason
        expect(by_testid(page, 'call-notice')).to_contain_text('Could not connect the call: the relay',
                                                               timeout=19_000)
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_contain_text('Could not connect')
    assert re.search(r'user <\d+:alice>: incoming packet message processed, error 401: Unauthorized',
                     turn_server.log())
    for context in contexts:
        context.close()


def test_no_page_a_visitor_can_load_holds_turn_credentials(start_app, turn_server):
    app = start_app(TURN_URLS=turn_server.url, TURN_SECRET=turn_server.secret)
    for path in ('/login', '/register', '/'):
        html = urllib.request.urlopen(app.url + path).read().decode()
        assert turn_server.secret not in html
        assert str(turn_server.port) not in html and 'credential' not in html
