"""The full story in two real Chromium contexts: register, call, accept, see and hear, mute, hang up."""
from __future__ import annotations

import time
from pathlib import Path

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


def wait_until_both_play(alice, bob, artifacts: Path | None = None) -> None:
    """Both remote videos play within 20 s, or the test fails with both peer-connection logs (kept in `artifacts`)."""
    deadline = time.monotonic() + 20
    while not (remote_playing(alice) and remote_playing(bob)):
        if time.monotonic() > deadline:
            reports = {name: peer_report(page) for name, page in (('alice', alice), ('bob', bob))}
            if artifacts is not None:
                for name, report in reports.items():
                    (artifacts / f'peer-log-{name}.txt').write_text(report)
            pytest.fail('remote video never played on both sides; peer connections:\n'
                        + '\n'.join(f'{name}:\n{report}' for name, report in reports.items()))


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
    wait_until_both_play(alice, bob, artifacts)
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


# Every camera stream the page starts, to see when a camera runs and that it stops.
CAMERA_RECORDER = '''(() => {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  window.__cameras = [];
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    window.__cameras.push(stream);
    return stream;
  };
})()'''
LIVE_CAMERAS = 'window.__cameras.filter(s => s.getTracks().some(t => t.readyState === "live")).length'


def test_the_caller_sees_their_camera_while_it_rings_and_the_callee_only_once_answering(start_app, chromium):
    app = start_app(INSTANT_ANSWER='off')  # on: test_browser_instant_answer.py
    alice_context, bob_context = chromium.new_context(), chromium.new_context()
    for context in (alice_context, bob_context):
        context.add_init_script(PEER_RECORDER)
        context.add_init_script(CAMERA_RECORDER)
    alice, bob = alice_context.new_page(), bob_context.new_page()
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')

    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    alice.wait_for_function('() => { const v = document.querySelector(\'[data-testid="outgoing-preview"]\');'
                            ' return v && v.videoWidth > 0; }')
    assert remote_playing(alice, '[data-testid="outgoing-preview"]')
    # The offer is made while it rings, and kept from bob until he answers: his camera is off, he has no connection.
    alice.wait_for_function('() => window.__peerConnections.length === 1 && '
                            'window.__peerConnections[0].signalingState === "have-local-offer"')
    assert bob.evaluate('[window.__cameras.length, window.__peerConnections.length]') == [0, 0]
    expect(by_testid(bob, 'outgoing-preview')).to_have_count(0)

    by_testid(bob, 'accept-call').click()
    wait_until_both_play(alice, bob)
    assert remote_playing(alice, '[data-testid="local-video"]')  # alice's camera moved into the call view
    assert alice.evaluate('[window.__cameras.length, window.__peerConnections.length]') == [1, 1]
    by_testid(alice, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        page.wait_for_function(f'() => {LIVE_CAMERAS} === 0')

    by_testid(alice, 'call-bob').click()  # cancelled while it rings: the camera goes off with the panel
    alice.wait_for_function(f'() => {LIVE_CAMERAS} === 1')
    by_testid(alice, 'cancel-call').click()
    expect(by_testid(alice, 'outgoing-call')).to_have_count(0)
    alice.wait_for_function(f'() => {LIVE_CAMERAS} === 0')
    assert bob.evaluate('window.__cameras.length') == 1  # only for the call he answered
    alice_context.close()
    bob_context.close()


@pytest.mark.parametrize('refused', ['caller', 'callee'])
def test_a_denied_camera_ends_the_call_as_media_failed(start_app, chromium, refused: str):
    from .browser import CHROMIUM, CHROMIUM_ARGS
    app = start_app()
    # Without the fake permission prompt, a context that was granted nothing is refused the camera.
    args = [arg for arg in CHROMIUM_ARGS if arg != '--use-fake-ui-for-media-stream']
    strict = chromium.browser_type.launch(executable_path=CHROMIUM, args=args)
    contexts = [(strict if refused == who else chromium).new_context() for who in ('caller', 'callee')]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()  # the caller's camera starts while it rings
    if refused == 'callee':
        by_testid(bob, 'accept-call').click()  # the callee's at the answer
    (refused_page, name), other = ((alice, 'alice'), bob) if refused == 'caller' else ((bob, 'bob'), alice)
    expect(by_testid(refused_page, 'call-notice')).to_contain_text('Your camera or microphone is not available')
    expect(by_testid(refused_page, 'call-notice')).to_contain_text('denied')
    expect(by_testid(other, 'call-notice')).to_contain_text(f"{name}'s camera or microphone is not available")
    for page in (alice, bob):
        for hook_name in ('call-view', 'outgoing-call', 'incoming-call'):
            expect(by_testid(page, hook_name)).to_have_count(0)
        expect(by_testid(page, 'history-item')).to_contain_text('Camera or microphone failed')
    for context in contexts:
        context.close()
    strict.close()


def test_calling_each_other_at_once_gives_one_call_with_video(start_app, chromium):
    app = start_app()
    contexts = [chromium.new_context() for _ in range(2)]
    for context in contexts:
        context.add_init_script(PEER_RECORDER)
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(bob, 'status-alice')).to_have_text('online')
    by_testid(alice, 'call-bob').click()  # alice's camera and offer start while it rings
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    by_testid(bob, 'call-alice').click()  # bob calls back instead of pressing accept: her call is accepted
    wait_until_both_play(alice, bob)
    assert [page.evaluate('window.__peerConnections.length') for page in (alice, bob)] == [1, 1]
    for context in contexts:
        context.close()


def test_the_ringing_cards_fit_a_phone_screen(start_app, chromium):
    app = start_app()
    contexts = [chromium.new_context(viewport={'width': 390, 'height': 800}) for _ in range(2)]
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-caller')).to_have_text('alice')
    alice.wait_for_function('() => document.querySelector(\'[data-testid="outgoing-preview"]\')?.videoWidth > 0')
    for page, button in ((alice, 'cancel-call'), (bob, 'accept-call')):
        assert page.evaluate('document.documentElement.scrollWidth') <= 390  # nothing pushed off the side
        expect(by_testid(page, button)).to_be_in_viewport(ratio=1)
    for context in contexts:
        context.close()
