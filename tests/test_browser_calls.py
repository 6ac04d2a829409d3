"""Ringing in two real Chromium contexts: presence, decline, cancel, and the history on both sides."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .app_server import AppServer
from .browser import by_testid, expect_the_device_menu_to_show_what_is_in_use, log_in, register

pytestmark = pytest.mark.browser


@pytest.fixture
def two_people(start_app, chromium):
    app = start_app()
    contexts = [chromium.new_context(), chromium.new_context()]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    yield app, alice, bob
    for context in contexts:
        context.close()
    assert 'Traceback' not in app.log()


def test_presence_follows_logins_and_closed_tabs(two_people, chromium):
    app, alice, bob = two_people
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    bob.close()
    expect(by_testid(alice, 'status-bob')).to_have_text('offline', timeout=15_000)
    context = chromium.new_context()
    bob = context.new_page()
    log_in(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    expect(by_testid(bob, 'status-alice')).to_have_text('online')
    context.close()


COMPONENT_FETCHES = """names => names.map((name) => performance.getEntriesByType('resource')
  .filter((entry) => entry.name.endsWith('/' + name)).map((entry) => entry.responseStatus))"""
CALL_COMPONENTS = ['ringing_cards.js', 'call_stage.js', 'webrtc_call.js']


def test_call_components_are_fetched_before_the_first_ring(two_people):
    # NiceGUI would fetch them when the first banner or call view arrives, while the people wait.
    _, alice, bob = two_people
    bob.wait_for_function(f'({COMPONENT_FETCHES})({CALL_COMPONENTS}).every((fetches) => fetches.length === 1)')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    by_testid(bob, 'accept-call').click()
    expect(by_testid(bob, 'call-view')).to_be_visible()
    # the same URLs NiceGUI imports from: fetched once, found
    assert bob.evaluate(COMPONENT_FETCHES, CALL_COMPONENTS) == [[200], [200], [200]]
    by_testid(bob, 'hang-up').click()


def test_invite_and_decline(two_people):
    _, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect(by_testid(alice, 'outgoing-call')).to_contain_text('Calling bob')
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    expect(by_testid(bob, 'status-alice')).to_have_text('busy')
    by_testid(bob, 'decline-call').click()
    expect(by_testid(alice, 'call-notice')).to_have_text('bob declined')
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    for page, peer in ((alice, 'bob'), (bob, 'alice')):
        expect(by_testid(page, 'history-item')).to_have_count(1)
        expect(by_testid(page, 'history-item')).to_contain_text(peer)
        expect(by_testid(page, 'history-item')).to_contain_text('Declined · just now')
    # The browser keeps "how long ago" current on an open dashboard: two minutes later, on its next tick.
    alice.evaluate('() => { const realNow = Date.now; Date.now = () => realNow() + 125_000; }')
    expect(by_testid(alice, 'history-item')).to_contain_text('Declined · 2 min ago', timeout=30_000)


def test_invite_and_cancel(two_people):
    _, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    by_testid(alice, 'cancel-call').click()
    expect(by_testid(alice, 'call-notice')).to_have_text('Call cancelled')
    expect(by_testid(bob, 'call-notice')).to_have_text('alice cancelled · missed call')
    expect(by_testid(bob, 'incoming-call')).to_have_count(0)
    expect(by_testid(bob, 'history-item')).to_have_count(1)
    expect(by_testid(bob, 'history-item')).to_contain_text('Missed')
    expect(bob.get_by_text('1 missed · mark seen')).to_be_visible()
    expect(by_testid(alice, 'history-item')).to_have_count(1)
    expect(by_testid(alice, 'history-item')).to_contain_text('Cancelled')
    by_testid(bob, 'history-item').get_by_role('button', name='Call alice back').click()
    expect(by_testid(alice, 'incoming-caller')).to_have_text('bob')


def test_the_callee_closing_the_ringing_tab_tells_the_caller_at_once(two_people, chromium):
    app, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    bob.close()
    expect(by_testid(alice, 'call-notice')).to_have_text('bob went offline', timeout=15_000)
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    expect(by_testid(alice, 'status-bob')).to_have_text('offline')
    context = chromium.new_context()
    bob = context.new_page()
    log_in(bob, app.url, 'bob')
    expect(by_testid(bob, 'history-item')).to_contain_text('Missed')
    context.close()


def test_a_call_interrupted_by_a_restart_is_still_in_the_history(two_people):
    app, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    app.stop()
    restarted = AppServer(app.data_dir)  # same data folder, as after `python main.py` again
    try:
        for page in (alice, bob):
            page.goto(restarted.url)  # the session survived the restart too
            expect(by_testid(page, 'history-item')).to_have_count(1)
            expect(by_testid(page, 'history-item')).to_contain_text('Interrupted')
            expect(by_testid(page, 'incoming-call')).to_have_count(0)
    finally:
        restarted.stop()
    assert 'Traceback' not in restarted.log()


def test_the_device_menu_shows_the_camera_and_microphone_in_use(two_people):
    _, alice, bob = two_people
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    expect(by_testid(alice, 'call-view')).to_be_visible()
    expect_the_device_menu_to_show_what_is_in_use(alice)
