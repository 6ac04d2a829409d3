"""Decline with a message and the keyboard, in the embedded mode, in two real Chromium contexts."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import by_testid, register
from .decline_steps import (
    HTML_REPLY,
    decline_with_a_quick_reply_by_keyboard,
    decline_with_own_words,
    escape_closes_the_replies,
    expect_a_visible_focus_ring,
    expect_the_banner_announced,
    expect_the_reply_seen,
    focused,
    refused_replies_send_nothing,
    tab_to,
)
from .test_browser_calls import two_people  # noqa: F401 (a fixture)
from .test_browser_look import expect_readable, is_dark

pytestmark = pytest.mark.browser


def test_keyboard_only_accept_and_labels_that_say_what_the_buttons_do(two_people):  # noqa: F811
    _, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect_the_banner_announced(bob, 'alice')
    bob.locator('body').focus()
    tab_to(bob, 'decline-call')
    expect_a_visible_focus_ring(bob, 'decline-call')
    for next_one in ('decline-with-message', 'accept-call'):  # the banner's own order
        bob.keyboard.press('Tab')
        assert focused(bob) == next_one
    expect_a_visible_focus_ring(bob, 'accept-call')
    bob.keyboard.press('Enter')
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_be_visible()
    controls = {name: by_testid(bob, name) for name in ('toggle-audio', 'toggle-video', 'hang-up')}
    expect(controls['toggle-audio']).to_have_attribute('aria-label', 'Mute microphone')
    expect(controls['toggle-video']).to_have_attribute('aria-label', 'Turn camera off')
    expect(controls['hang-up']).to_have_attribute('aria-label', 'Hang up')
    controls['toggle-audio'].focus()
    bob.keyboard.press('Space')
    expect(controls['toggle-audio']).to_have_attribute('aria-label', 'Unmute microphone')
    controls['toggle-video'].focus()
    bob.keyboard.press('Enter')
    expect(controls['toggle-video']).to_have_attribute('aria-label', 'Turn camera on')
    snapshot = by_testid(bob, 'call-view').aria_snapshot()
    for name in ('Unmute microphone', 'Turn camera on', 'Camera and microphone', 'Hang up'):
        assert f'- button "{name}"' in snapshot, snapshot
    tab_to(bob, 'hang-up')
    expect_a_visible_focus_ring(bob, 'hang-up')
    bob.keyboard.press('Enter')
    expect(by_testid(alice, 'call-notice')).to_contain_text('bob hung up')


def test_escape_closes_the_replies_then_a_quick_reply_declines(two_people):  # noqa: F811
    _, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    escape_closes_the_replies(alice, bob)
    decline_with_a_quick_reply_by_keyboard(bob, 'In a meeting')
    expect_the_reply_seen(alice, bob, 'In a meeting')


def test_decline_with_own_words_shown_as_text(two_people):  # noqa: F811
    _, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    refused_replies_send_nothing(alice, bob)
    expect_readable(bob, by_testid(bob, 'decline-with-message'), by_testid(bob, 'quick-reply'),
                    by_testid(bob, 'send-reply'), by_testid(bob, 'incoming-call').locator('.q-field__messages'),
                    by_testid(bob, 'incoming-call').locator('.q-field__label'))
    decline_with_own_words(bob, HTML_REPLY)
    expect_the_reply_seen(alice, bob, HTML_REPLY)
    expect_readable(alice, by_testid(alice, 'decline-reason'))
    alice.reload()  # read back from the database
    expect(by_testid(alice, 'history-item')).to_contain_text(f'Declined · “{HTML_REPLY}”')


def test_the_replies_read_in_the_dark_theme(start_app, chromium):
    app = start_app()
    contexts = [chromium.new_context(color_scheme='dark') for _ in range(2)]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'decline-with-message').click()
    by_testid(bob, 'send-reply').click()
    assert all(is_dark(page) for page in (alice, bob))
    expect_readable(bob, by_testid(bob, 'incoming-caller'), by_testid(bob, 'decline-with-message'),
                    by_testid(bob, 'quick-reply'), by_testid(bob, 'incoming-call').locator('.q-field__messages'))
    by_testid(bob, 'quick-reply').filter(has_text='In a meeting').click()
    expect(by_testid(alice, 'decline-reason')).to_have_text('In a meeting')
    expect_readable(alice, by_testid(alice, 'call-notice'), by_testid(alice, 'decline-reason'))
    for context in contexts:
        context.close()
