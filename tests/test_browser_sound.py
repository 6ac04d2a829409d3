"""Ringing sounds: locked until the first click (as browsers require), and a hidden tab gets noticed."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import by_testid, register

pytestmark = pytest.mark.browser

# Headless Chromium locks audio only on a page reached without a click (a tab opened by its address); a desktop
# browser does until the first click. This starts every AudioContext suspended, as such a browser would.
LOCKED_AUDIO = '''(() => {
    const Real = window.AudioContext;
    window.AudioContext = class extends Real { constructor(...args) { super(...args); this.suspend(); } };
})()'''


def test_sound_chip_until_the_first_click(start_app, chromium):
    app = start_app()
    context = chromium.new_context()
    context.add_init_script(LOCKED_AUDIO)
    page = context.new_page()
    register(page, app.url, 'alice')
    chip = page.get_by_text('Sound is off: click anywhere to turn it on')
    expect(chip).to_be_visible()
    page.mouse.click(5, 300)
    expect(chip).to_be_hidden()
    context.close()


def test_a_hidden_tab_flashes_its_title_while_ringing(start_app, chromium):
    app = start_app()
    alice_context, bob_context = chromium.new_context(), chromium.new_context()
    alice, bob = alice_context.new_page(), bob_context.new_page()
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    bob.evaluate('''() => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        window.__titles = new Set();
        setInterval(() => window.__titles.add(document.title), 200);
    }''')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    bob.wait_for_function('window.__titles.has("📞 alice is calling") && window.__titles.has("ringboard")')
    by_testid(alice, 'cancel-call').click()
    expect(bob).to_have_title('ringboard')
    alice_context.close()
    bob_context.close()


def test_a_slow_first_click_on_accept_is_not_lost_to_the_sound_chip(start_app, chromium):
    """A person's click takes a moment from press to release. The sound turning on (and its chip going away) must not
    move the page under the pointer meanwhile: the release, and the click with it, would land beside Accept."""
    app = start_app()
    contexts = [chromium.new_context() for _ in range(2)]
    contexts[1].add_init_script(LOCKED_AUDIO)
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(bob.get_by_text('Sound is off: click anywhere to turn it on')).to_be_visible()
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    accept = by_testid(bob, 'accept-call')
    expect(accept).to_be_visible()
    box = accept.bounding_box()
    bob.mouse.move(box['x'] + box['width'] / 2, box['y'] + box['height'] / 2)
    bob.mouse.down()
    bob.wait_for_timeout(1000)  # a slow press: whatever the press set off has reached the page by now
    bob.mouse.up()
    expect(by_testid(bob, 'call-view')).to_be_visible()
    expect(bob.get_by_text('Sound is off: click anywhere to turn it on')).to_be_hidden()
    for context in contexts:
        context.close()
    assert 'Traceback' not in app.log()
