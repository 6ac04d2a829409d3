"""Browser steps for a decline with a message and for the keyboard, shared by the embedded and the Agora tests."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from backend.decline_reply import MAX_REPLY_CHARS

from .browser import by_testid

# Would set window.pwned if any of it ran as HTML.
HTML_REPLY = '<b>hi</b><img src=x onerror="window.pwned=1">'


def focused(page: Page) -> str | None:
    """The data-testid of the element that has the keyboard focus (or of its nearest marked ancestor)."""
    return page.evaluate("() => document.activeElement?.closest('[data-testid]')?.dataset.testid ?? null")


def tab_to(page: Page, testid: str, text: str = '', key: str = 'Tab', presses: int = 60) -> None:
    """Press Tab (or `key`), as a keyboard user does, until the element `testid` (reading `text`) has the focus."""
    for _ in range(presses):
        page.keyboard.press(key)
        if focused(page) == testid and text in page.evaluate('() => document.activeElement.innerText'):
            return
    raise AssertionError(f'{testid} is not reachable with {key} (the focus is on {focused(page)})')


def expect_a_visible_focus_ring(page: Page, testid: str) -> None:
    """The focused element is `testid` and draws a ring of at least 2 px around itself."""
    assert focused(page) == testid
    ring = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return [style.outlineStyle, parseFloat(style.outlineWidth)];
    }""")
    assert ring[0] != 'none' and ring[1] >= 2, ring


def expect_the_banner_announced(bob: Page, caller: str) -> None:
    banner = by_testid(bob, 'incoming-call')
    expect(banner).to_have_attribute('role', 'alert')
    expect(banner).to_have_attribute('aria-live', 'assertive')
    expect(bob.get_by_role('alert')).to_have_count(1)
    snapshot = banner.aria_snapshot()  # what a screen reader reads (textContent has no spaces between the spans)
    for line in ('- alert:', f'text: {caller} is calling you', '- button "Decline"',
                 '- button "Decline with a message"', '- button "Accept"'):
        assert line in snapshot, snapshot


def decline_with_a_quick_reply_by_keyboard(bob: Page, reply: str = 'In a meeting') -> None:
    """Only the keyboard: Tab to decline-with-message, Enter (the focus goes to the reply's text field), Shift+Tab
    back to the quick reply, Space."""
    bob.locator('body').focus()
    tab_to(bob, 'decline-with-message')
    expect_a_visible_focus_ring(bob, 'decline-with-message')
    bob.keyboard.press('Enter')
    expect(by_testid(bob, 'decline-with-message')).to_have_attribute('aria-expanded', 'true')
    expect(by_testid(bob, 'quick-reply')).to_have_count(3)
    bob.wait_for_function("() => document.activeElement?.closest('[data-testid=reply-text]')")  # typing goes there
    tab_to(bob, 'quick-reply', reply, key='Shift+Tab', presses=3)  # the quick replies are just before it
    expect_a_visible_focus_ring(bob, 'quick-reply')
    bob.keyboard.press('Space')


def escape_closes_the_replies(alice: Page, bob: Page) -> None:
    """Escape in the open replies, from the text field and from a quick reply, closes them without declining and
    gives the focus back to decline-with-message; each opening gives the text field the focus; the call rings on."""
    bob.locator('body').focus()
    tab_to(bob, 'decline-with-message')
    for back_to_a_quick_reply in (False, True):
        bob.keyboard.press('Enter')
        expect(by_testid(bob, 'decline-with-message')).to_have_attribute('aria-expanded', 'true')
        bob.wait_for_function("() => document.activeElement?.closest('[data-testid=reply-text]')")
        bob.keyboard.type('half a thought')
        if back_to_a_quick_reply:
            bob.keyboard.press('Shift+Tab')
            assert focused(bob) == 'quick-reply'
        bob.keyboard.press('Escape')
        expect(by_testid(bob, 'reply-text')).to_have_count(0)
        expect(by_testid(bob, 'quick-reply')).to_have_count(0)
        expect(by_testid(bob, 'decline-with-message')).to_have_attribute('aria-expanded', 'false')
        expect_a_visible_focus_ring(bob, 'decline-with-message')
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    expect(by_testid(alice, 'outgoing-call')).to_be_visible()
    expect(by_testid(alice, 'call-notice')).to_be_hidden()


def refused_replies_send_nothing(alice: Page, bob: Page) -> None:
    """An empty and a too long reply are refused with a word, and the call rings on."""
    by_testid(bob, 'decline-with-message').click()
    by_testid(bob, 'send-reply').click()
    expect(by_testid(bob, 'incoming-call')).to_contain_text('Type a reply first')
    by_testid(bob, 'reply-text').fill('x' * (MAX_REPLY_CHARS + 1))
    by_testid(bob, 'reply-text').press('Enter')
    expect(by_testid(bob, 'incoming-call')).to_contain_text(f'at most {MAX_REPLY_CHARS} characters')
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    expect(by_testid(alice, 'outgoing-call')).to_be_visible()


def decline_with_own_words(bob: Page, text: str) -> None:
    if not by_testid(bob, 'reply-text').is_visible():
        by_testid(bob, 'decline-with-message').click()
    by_testid(bob, 'reply-text').fill(text)
    by_testid(bob, 'send-reply').click()


def expect_the_reply_seen(alice: Page, bob: Page, reply: str, callee: str = 'bob', caller: str = 'alice') -> None:
    """The caller reads the reply in place of "bob declined", as text; both histories keep it."""
    expect(by_testid(alice, 'decline-reason')).to_have_text(reply)
    expect(by_testid(alice, 'call-notice')).to_have_text(f'{callee} replied: {reply}')
    expect(by_testid(alice, 'call-notice')).to_have_attribute('role', 'status')  # read out when it changes
    expect(by_testid(bob, 'call-notice')).to_have_text(f'You replied to {caller}: {reply}')
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)
    for page in (alice, bob):
        expect(by_testid(page, 'history-item').first).to_contain_text(f'Declined · “{reply}”')
        assert page.locator('[data-testid="call-notice"] b, [data-testid="call-notice"] img, '
                            '[data-testid="history"] b, [data-testid="history"] img').count() == 0
        assert page.evaluate('() => window.pwned') is None
