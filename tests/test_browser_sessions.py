"""Logging out in one tab ends the other tabs of that sign-in on the server, in Debian's Chromium."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import by_testid, log_in, register
from .test_browser_auth import DEFAULTS

pytestmark = pytest.mark.browser


def test_logging_out_in_one_tab_ends_the_calls_of_another(start_app, chromium):
    """Before: a tab that did not follow the "go to /login" message went on placing calls as the logged-out user."""
    app = start_app(**DEFAULTS)
    alice_browser, bob_browser = chromium.new_context(), chromium.new_context()
    try:
        first = alice_browser.new_page()
        register(first, app.url, 'alice')
        stays = alice_browser.new_page()  # a second tab of the same sign-in ...
        stays.goto(app.url)
        expect(by_testid(stays, 'me')).to_have_text('alice')
        stays.evaluate('window.open = () => null')  # ... that does not leave when it is told to
        bob = bob_browser.new_page()
        register(bob, app.url, 'bob')
        expect(by_testid(stays, 'status-bob')).to_have_text('online')

        by_testid(first, 'logout').click()
        expect(first).to_have_url(f'{app.url}/login')
        expect(by_testid(bob, 'status-alice')).to_have_text('offline', timeout=15_000)  # its socket is closed
        by_testid(stays, 'call-bob').click(force=True)  # through NiceGUI's "connection lost" overlay
        stays.wait_for_timeout(1_500)  # time for a ring, had the call been placed
        expect(by_testid(bob, 'incoming-call')).to_have_count(0)
        stays.reload()
        expect(stays).to_have_url(f'{app.url}/login')

        log_in(first, app.url, 'alice')  # signed in again, alice's calls ring as before
        by_testid(first, 'call-bob').click()
        expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
        assert 'Traceback' not in app.log()
    finally:
        alice_browser.close()
        bob_browser.close()
