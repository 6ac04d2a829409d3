"""The full story in two real Chromium contexts: register, call, accept, see and hear, mute, hang up."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from .browser import PEER_RECORDER, by_testid, peer_report, register

pytestmark = pytest.mark.browser


def remote_playing(page, selector: str = '[data-testid="remote-video"]') -> bool:
    """The remote video has a picture and its playback time advances."""
    return page.evaluate('''async (selector) => {
        const video = document.querySelector(selector);
        if (!video || video.videoWidth === 0) return false;
        const before = video.currentTime;
        await new Promise(resolve => setTimeout(resolve, 300));
        return video.currentTime > before;
    }''', selector)


def call_stats(page) -> dict:
    return page.evaluate('''async () => {
        const result = {framesDecoded: 0, audioPacketsReceived: 0};
        for (const pc of window.__peerConnections || []) {
            (await pc.getStats()).forEach(r => {
                if (r.type !== 'inbound-rtp') return;
                if (r.kind === 'video') result.framesDecoded += r.framesDecoded || 0;
                if (r.kind === 'audio') result.audioPacketsReceived += r.packetsReceived || 0;
            });
        }
        return result;
    }''')


def test_video_call_end_to_end(start_app, chromium, artifacts):
    app = start_app()
    alice_context, bob_context = chromium.new_context(), chromium.new_context()
    for context in (alice_context, bob_context):
        context.add_init_script(PEER_RECORDER)
    alice, bob = alice_context.new_page(), bob_context.new_page()
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    expect(by_testid(bob, 'status-alice')).to_have_text('online')

    by_testid(alice, 'call-bob').click()
    expect(by_testid(alice, 'outgoing-call')).to_be_visible()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    bob.screenshot(path=artifacts / 'incoming-call.png')

    accepted = time.monotonic()
    by_testid(bob, 'accept-call').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_be_visible()
    deadline = time.monotonic() + 20
    while not (remote_playing(alice) and remote_playing(bob)):
        if time.monotonic() > deadline:
            reports = {name: peer_report(page) for name, page in (('alice', alice), ('bob', bob))}
            for name, report in reports.items():
                (artifacts / f'peer-log-{name}.txt').write_text(report)
            pytest.fail('remote video never played on both sides; peer connections:\n'
                        + '\n'.join(f'{name}:\n{report}' for name, report in reports.items()))
    print(f'\naccept to first decoded remote frame on both sides: {time.monotonic() - accepted:.2f} s')
    for page in (alice, bob):
        stats = call_stats(page)
        assert stats['framesDecoded'] > 0, stats
        assert stats['audioPacketsReceived'] > 0, stats
    expect(by_testid(alice, 'status-bob')).to_have_text('busy')
    alice.screenshot(path=artifacts / 'in-call.png')

    by_testid(alice, 'toggle-audio').click()
    by_testid(alice, 'toggle-video').click()
    expect(bob.get_by_text('mic_off')).to_be_visible()
    expect(bob.get_by_text('videocam_off')).to_be_visible()

    by_testid(bob, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'call-notice')).to_contain_text('Call ended')
        expect(by_testid(page, 'history-item')).to_have_count(1)
        expect(by_testid(page, 'history-item')).to_contain_text('Completed')
    alice.screenshot(path=artifacts / 'dashboard.png')
    alice_context.close()
    bob_context.close()


def test_denied_camera_ends_the_call_as_media_failed(start_app, chromium, artifacts):
    from .browser import CHROMIUM, CHROMIUM_ARGS
    app = start_app()
    alice_context = chromium.new_context()
    alice = alice_context.new_page()
    register(alice, app.url, 'alice')
    # Without the fake permission prompt, a context that was granted nothing is refused the camera.
    args = [arg for arg in CHROMIUM_ARGS if arg != '--use-fake-ui-for-media-stream']
    strict = chromium.browser_type.launch(executable_path=CHROMIUM, args=args)
    bob = strict.new_context().new_page()
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    expect(by_testid(bob, 'call-notice')).to_contain_text('Your camera or microphone is not available')
    expect(by_testid(bob, 'call-notice')).to_contain_text('denied')
    expect(by_testid(alice, 'call-notice')).to_contain_text("bob's camera or microphone is not available")
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_contain_text('Camera or microphone failed')
    strict.close()
    alice_context.close()
