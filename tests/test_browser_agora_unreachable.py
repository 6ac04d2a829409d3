"""The real Agora SDK files, served by the app from a local folder, with Agora's cloud out of reach (as here).

The pages must load both SDKs and tell the user plainly, within the SDKs' timeouts, that Agora cannot be
reached, and stay usable.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .agora_sdk_cache import real_sdk_folder
from .browser import by_testid, register

pytestmark = pytest.mark.browser

CREDENTIALS = {'AGORA_APP_ID': '970CA35de60c44645bbae8a215061b33',
               'AGORA_APP_CERTIFICATE': '5CFd2fd1755d40ecb72977518be15d3b'}


@pytest.fixture
def pages(chromium):
    contexts = []

    def new_page():
        contexts.append(chromium.new_context())
        return contexts[-1].new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize(('signaling', 'version', 'within_ms'), [
    ('agora-rtm', None, 20_000),  # RTM 1.5.1 gives up after its own 12 s
    ('', '2.3.0', 15_000),  # no SIGNALING: the default, Signaling 2.x (agora-rtm-sdk 2.3.0)
], ids=['rtm-1.x', 'signaling-2.x'])
def test_signaling_unreachable_is_reported_and_the_page_stays_usable(start_app, pages, signaling, version,
                                                                     within_ms):
    app = start_app(**CREDENTIALS, AGORA_SDK_URL=str(real_sdk_folder()), SIGNALING=signaling)
    alice, bob = pages(), pages()
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    if version:
        alice.wait_for_function(f'() => window.AgoraRTM && window.AgoraRTM.VERSION === "{version}"', timeout=15_000)
    status = by_testid(alice, 'signaling-status')
    expect(status).to_contain_text('Cannot reach Agora signaling', timeout=within_ms)
    expect(status).to_contain_text('timed out')
    expect(status.get_by_role('button', name='Retry')).to_be_visible()
    by_testid(alice, 'call-bob').click()
    expect(by_testid(alice, 'call-notice')).to_contain_text('Agora signaling is disconnected')
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    status.get_by_role('button', name='Retry').click()
    expect(status).to_contain_text('Connecting to Agora signaling')
    expect(status).to_contain_text('Cannot reach Agora signaling', timeout=within_ms)
    assert 'Traceback' not in app.log()


def test_video_service_unreachable_ends_the_call_for_both(start_app, pages):
    app = start_app(**CREDENTIALS, AGORA_SDK_URL=str(real_sdk_folder()), SIGNALING='server')
    alice, bob = pages(), pages()
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    expect(by_testid(bob, 'call-view')).to_be_visible()
    for page in (alice, bob):
        expect(by_testid(page, 'call-notice')).to_contain_text('Cannot reach the video service', timeout=25_000)
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_contain_text('Could not connect')
    by_testid(alice, 'call-bob').click()  # still usable: the next call rings
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    assert 'Traceback' not in app.log()
