"""/account in Debian's Chromium against `python main.py`: a display name reaches the other dashboard live (as
text, never HTML), the directory search and the ringing banner, and a new one replaces the old at once in the history
and in an open call, ringing or in progress; a password change refuses a wrong current password, then the new
password works and the old one does not."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .browser import by_testid, log_in, register
from .test_browser_auth import DEFAULTS
from .test_browser_video_call import remote_playing, wait_until_both_play

pytestmark = pytest.mark.browser


def set_display_name(page: Page, name: str) -> None:
    by_testid(page, 'display-name').fill(name)
    by_testid(page, 'display-name-save').click()


def test_display_name_live_everywhere_and_as_text(start_app, chromium):
    app = start_app(**DEFAULTS)
    alice = chromium.new_context().new_page()
    bob = chromium.new_context().new_page()
    try:
        register(alice, app.url, 'alice')
        register(bob, app.url, 'bob')
        expect(by_testid(bob, 'name-alice')).to_have_text('alice')

        alice.get_by_role('button', name='Your account').click()
        expect(alice).to_have_url(f'{app.url}/account')
        set_display_name(alice, '  <b>Alice</b> <img src=x onerror="window.__hacked=1"> Johnson ')
        expect(by_testid(alice, 'account-notice')).to_contain_text('Others now see you as')
        expect(by_testid(bob, 'name-alice')).to_have_text('<b>Alice</b> <img src=x onerror="window.__hacked=1"> '
                                                          'Johnson')
        assert bob.locator('[data-testid="name-alice"] b, [data-testid="name-alice"] img').count() == 0
        assert bob.evaluate('window.__hacked') is None

        set_display_name(alice, 'Alice Johnson')
        expect(by_testid(bob, 'name-alice')).to_have_text('Alice Johnson')
        by_testid(bob, 'directory-search').fill('johns')
        expect(by_testid(bob, 'user-alice')).to_be_visible()
        by_testid(bob, 'directory-search').fill('zzz')
        expect(by_testid(bob, 'user-alice')).to_have_count(0)
        by_testid(bob, 'directory-search').fill('')

        # Two people with one name: the username shows beside it.
        bob.goto(f'{app.url}/account')
        set_display_name(bob, 'alice johnson')
        expect(by_testid(bob, 'account-notice')).to_contain_text('Others now see you as')
        alice.goto(f'{app.url}/')
        expect(by_testid(alice, 'name-bob')).to_have_text('alice johnson (bob)')
        bob.goto(f'{app.url}/account')
        set_display_name(bob, '')
        expect(by_testid(bob, 'account-notice')).to_have_text('Display name cleared: others see your username, bob.')
        expect(by_testid(alice, 'name-bob')).to_have_text('bob')

        # Too long: refused in words, nothing changes.
        bob.goto(f'{app.url}/account')
        by_testid(bob, 'display-name').evaluate('el => el.removeAttribute("maxlength")')
        set_display_name(bob, 'x' * 65)
        expect(by_testid(bob, 'account-notice')).to_have_text('A display name has at most 64 characters '
                                                              '(this one has 65).')
        expect(by_testid(alice, 'name-bob')).to_have_text('bob')

        bob.goto(f'{app.url}/')
        by_testid(alice, 'call-bob').click()
        expect(by_testid(bob, 'incoming-call')).to_contain_text('Alice Johnson')
        expect(by_testid(bob, 'incoming-call')).to_contain_text('is calling you')
        by_testid(bob, 'decline-call').click()
        expect(by_testid(bob, 'history-item').first).to_contain_text('Alice Johnson')
        expect(by_testid(bob, 'call-notice')).to_have_text('You declined the call from Alice Johnson')

        # A new name, from another tab, replaces the old one at once where the person already shows: the history,
        # both sides of a ringing call, and a call in progress, in place (the same call view, the video playing on).
        alice_account, bob_account = (page.context.new_page() for page in (alice, bob))
        for page in (alice_account, bob_account):
            page.goto(f'{app.url}/account')
        set_display_name(alice_account, 'Ally')
        expect(by_testid(bob, 'history-item').first).to_contain_text('Ally')
        by_testid(alice, 'call-bob').click()
        expect(by_testid(bob, 'incoming-caller')).to_have_text('Ally')
        set_display_name(alice_account, 'Zoe')
        expect(by_testid(bob, 'incoming-caller')).to_have_text('Zoe')
        expect(by_testid(bob, 'incoming-call').get_by_test_id('avatar-alice')).to_have_text('Z')
        set_display_name(bob_account, 'Robert')
        expect(by_testid(alice, 'outgoing-call')).to_contain_text('Calling Robert…')
        expect(by_testid(alice, 'outgoing-call').get_by_test_id('avatar-bob')).to_have_text('R')
        by_testid(bob, 'accept-call').click()
        wait_until_both_play(alice, bob)
        expect(by_testid(alice, 'call-view')).to_contain_text('Robert')
        alice.evaluate('() => { window.__callView = document.querySelector("[data-testid=call-view]"); }')
        set_display_name(bob_account, 'Bobby')
        expect(by_testid(alice, 'call-view')).to_contain_text('Bobby')
        assert alice.evaluate('() => window.__callView === document.querySelector("[data-testid=call-view]")')
        assert remote_playing(alice)
        by_testid(alice, 'hang-up').click()
        expect(by_testid(bob, 'call-notice')).to_contain_text('Zoe hung up')
    finally:
        alice.context.close()
        bob.context.close()


def test_password_change(start_app, chromium):
    app = start_app(**DEFAULTS)
    page = chromium.new_context().new_page()
    try:
        register(page, app.url, 'carol')
        elsewhere = page.context.browser.new_context().new_page()  # carol, signed in on another browser
        log_in(elsewhere, app.url, 'carol')
        page.goto(f'{app.url}/account')
        by_testid(page, 'password-current').fill('not my password')
        by_testid(page, 'password-new').fill('a new password')
        by_testid(page, 'password-save').click()
        expect(by_testid(page, 'account-notice')).to_have_text('Your current password is not right.', timeout=30_000)
        page.reload()  # each attempt on a fresh form: a refusal clears the fields, maybe after the next fill
        by_testid(page, 'password-current').fill('correct horse')
        by_testid(page, 'password-new').fill('short')
        by_testid(page, 'password-save').click()
        expect(by_testid(page, 'account-notice')).to_have_text('A password needs at least 8 characters.')
        page.reload()
        by_testid(page, 'password-current').fill('correct horse')
        by_testid(page, 'password-new').fill('a new password')
        by_testid(page, 'password-save').click()
        # Two bcrypt rounds (the current password, the new one) on a loaded machine: give them time.
        expect(by_testid(page, 'account-notice')).to_contain_text('Password changed.', timeout=30_000)

        # The other browser is signed out at once, and stays out; this one stays in.
        expect(elsewhere).to_have_url(f'{app.url}/login')
        elsewhere.goto(f'{app.url}/')
        expect(elsewhere).to_have_url(f'{app.url}/login')
        elsewhere.context.close()
        page.goto(f'{app.url}/')
        expect(by_testid(page, 'me')).to_have_text('carol')

        stranger = page.context.browser.new_context().new_page()
        stranger.goto(f'{app.url}/login')
        by_testid(stranger, 'login-username').fill('carol')
        by_testid(stranger, 'login-password').fill('correct horse')
        by_testid(stranger, 'login-submit').click()
        expect(by_testid(stranger, 'auth-error')).to_have_text('Wrong username or password.')
        log_in(stranger, app.url, 'carol', 'a new password')
        stranger.context.close()
    finally:
        page.context.close()
