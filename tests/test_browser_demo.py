"""DEMO_USERS in Debian's Chromium against `python main.py`: one click signs in as a demo person, the demo notice
is on every page, the password form never lets anyone in as them, and without the setting none of it exists."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import by_testid, register
from .test_browser_auth import DEFAULTS

pytestmark = pytest.mark.browser


def test_one_click_demo_sign_in_and_the_password_form_refuses_demo_people(start_app, chromium, artifacts):
    app = start_app(**{**DEFAULTS, 'DEMO_USERS': 'alice=Alice Johnson,bob=Bob Lee'})
    alice = chromium.new_context().new_page()
    bob = chromium.new_context().new_page()
    stranger = chromium.new_context().new_page()
    try:
        alice.goto(f'{app.url}/login')
        expect(by_testid(alice, 'demo-banner')).to_contain_text('anyone can sign in as Alice Johnson or Bob Lee')
        expect(by_testid(alice, 'demo-login-bob')).to_have_text('loginBob Lee')
        alice.screenshot(path=artifacts / 'demo-login.png')
        by_testid(alice, 'demo-login-alice').click()
        expect(alice).to_have_url(f'{app.url}/')
        expect(by_testid(alice, 'me')).to_have_text('alice')
        expect(by_testid(alice, 'demo-banner')).to_be_visible()

        bob.goto(f'{app.url}/login')
        by_testid(bob, 'demo-login-bob').click()
        expect(by_testid(bob, 'me')).to_have_text('bob')
        expect(by_testid(alice, 'status-bob')).to_have_text('online')

        # Whatever the password, the form never signs anyone in as a demo person.
        stranger.goto(f'{app.url}/register')
        expect(by_testid(stranger, 'demo-banner')).to_be_visible()
        for password in ('correct horse', '!', 'x' * 72):
            stranger.goto(f'{app.url}/login')
            by_testid(stranger, 'login-username').fill('alice')
            by_testid(stranger, 'login-password').fill(password)
            by_testid(stranger, 'login-submit').click()
            expect(by_testid(stranger, 'auth-error')).to_have_text('Wrong username or password.')
            expect(stranger).to_have_url(f'{app.url}/login')
        stranger.goto(f'{app.url}/')
        expect(stranger).to_have_url(f'{app.url}/login')
    finally:
        for page in (alice, bob, stranger):
            page.context.close()


def test_without_demo_users_there_is_no_demo(start_app, chromium):
    app = start_app(**DEFAULTS)
    page = chromium.new_context().new_page()
    try:
        page.goto(f'{app.url}/login')
        expect(by_testid(page, 'login-submit')).to_be_visible()
        expect(page.locator('[data-testid^="demo-"]')).to_have_count(0)
        register(page, app.url, 'alice')
        expect(by_testid(page, 'demo-banner')).to_have_count(0)
    finally:
        page.context.close()
