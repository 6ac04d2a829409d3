"""APP_NAME, APP_LOGO and BRAND_COLOR in Debian's Chromium against `python main.py`: the title, the header, the
logo (loaded, and the favicon), the primary colour, and no "ringboard" left anywhere a user reads."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .browser import by_testid, register
from .test_browser_auth import DEFAULTS

pytestmark = pytest.mark.browser

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
        '<rect width="64" height="64" rx="14" fill="#c2185b"/>'
        '<path d="M18 44 L32 16 L46 44 Z" fill="#ffffff"/></svg>')
COLOR, COLOR_RGB = '#c2185b', 'rgb(194, 24, 91)'


def assert_branded(page: Page) -> None:
    expect(by_testid(page, 'app-name')).to_have_text('Acme Calls')
    logo = by_testid(page, 'app-logo')
    expect(logo).to_be_visible()
    page.wait_for_function('el => el.complete && el.naturalWidth > 0', arg=logo.element_handle())
    assert page.evaluate('getComputedStyle(document.body).getPropertyValue("--q-primary").trim()') == COLOR
    assert 'ringboard' not in page.evaluate('document.body.innerText').lower()
    assert 'ringboard' not in page.title().lower()


def test_name_logo_and_colour_replace_ringboard(start_app, chromium, tmp_path, artifacts):
    logo_file = tmp_path / 'acme-logo.svg'
    logo_file.write_text(LOGO)
    app = start_app(**{**DEFAULTS, 'APP_NAME': 'Acme Calls', 'APP_LOGO': str(logo_file), 'BRAND_COLOR': COLOR})
    bob = chromium.new_context().new_page()
    alice = chromium.new_context(viewport={'width': 1100, 'height': 640}).new_page()
    try:
        alice.goto(f'{app.url}/login')
        expect(alice).to_have_title('Sign in · Acme Calls')
        assert_branded(alice)
        expect(by_testid(alice, 'login-submit')).to_have_css('background-color', COLOR_RGB)

        # The favicon is the logo file, served to a visitor who is not signed in.
        icon = alice.evaluate('document.querySelector("link[rel~=icon]").href')
        response = alice.context.request.get(icon)
        assert response.ok and response.text() == LOGO

        alice.goto(f'{app.url}/register')
        expect(alice).to_have_title('Create an account · Acme Calls')
        assert_branded(alice)

        register(bob, app.url, 'bob')
        register(alice, app.url, 'alice')
        expect(alice).to_have_title('Acme Calls')
        expect(by_testid(alice, 'status-bob')).to_have_text('online')
        assert_branded(alice)
        expect(by_testid(alice, 'call-bob')).to_be_visible()
        alice.screenshot(path=artifacts / 'branded.png')
    finally:
        alice.context.close()
        bob.context.close()
