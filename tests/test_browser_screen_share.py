"""Screen sharing and picture-in-picture in a call, in real Chromium, in the embedded mode (WebRTC) and with Agora RTC
(the SDK stand-in and the fake Agora cloud), with Agora's signaling or the server's.

Chromium's fake devices stand in for the camera and for the screen the picker hands out (a 1280x720 test picture:
the camera's is 640x360). A person closing the picker is the one thing a headless browser cannot do: the test makes
getDisplayMedia reject as Chromium does then (NotAllowedError); the browser's own "Stop sharing" ends the track,
which the test does the same way (its `ended` event).
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .browser import EXPECT_TIMEOUT_MS, by_testid, register
from .fake_agora_cloud import FakeAgoraCloud
from .test_browser_agora_mode import APP_ID, CERTIFICATE

pytestmark = pytest.mark.browser

# Every screen capture the page starts; `window.__refusePicker = true` closes the next picker without a choice.
DISPLAY_RECORDER = '''(() => {
  const original = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
  window.__captures = [];
  navigator.mediaDevices.getDisplayMedia = async (constraints) => {
    if (window.__refusePicker) {
      window.__refusePicker = false;
      throw new DOMException("Permission denied", "NotAllowedError");
    }
    const stream = await original(constraints);
    window.__captures.push(stream.getVideoTracks()[0]);
    return stream;
  };
})()'''
LIVE_CAPTURES = 'window.__captures.filter(track => track.readyState === "live").length'
# The browser's own "Stop sharing" bar: the capture ends and its track says so.
STOP_SHARING_BAR = '''() => { const track = window.__captures.at(-1);
                              track.stop(); track.dispatchEvent(new Event("ended")); }'''


def video_in(page: Page, name: str) -> str:
    """A selector of the <video> of hook `name` (Agora's SDK plays into a <video> inside the hooked container)."""
    return f'[data-testid="{name}"] video, video[data-testid="{name}"]'


def playing_width(page: Page, name: str) -> int:
    """The width of the picture playing in hook `name` (0 when none plays or it stands still)."""
    return page.evaluate('''async (selector) => {
        const video = document.querySelector(selector);
        if (!video || video.videoWidth === 0) return 0;
        const before = video.currentTime;
        await new Promise(resolve => setTimeout(resolve, 300));
        return video.currentTime > before ? video.videoWidth : 0;
    }''', video_in(page, name))


SCREEN, CAMERA = 'screen', 'camera'


def expect_playing(page: Page, name: str, picture: str) -> None:
    """Hook `name` plays the fake screen (1280 px wide; a loaded machine's encoder may send it smaller, but not as
    small as a camera) or the fake camera (640 px wide, or less)."""
    page.wait_for_function('''(selector) => { const video = document.querySelector(selector);
                                                return video && video.videoWidth > 0; }''',
                           arg=video_in(page, name), timeout=20_000)
    widths = []
    for _ in range(30):
        widths.append(playing_width(page, name))
        if (widths[-1] > 640) if picture == SCREEN else (0 < widths[-1] <= 640):
            return
    pytest.fail(f'{name} does not play the {picture} (widths seen: {widths})')


def expect_screen_shown(viewer: Page, sharer: Page, sharer_name: str) -> None:
    """The viewer sees the sharer's screen large and their camera small; the sharer's button says stop."""
    expect(by_testid(viewer, 'screen-video')).to_be_visible()
    expect_playing(viewer, 'screen-video', SCREEN)
    expect_playing(viewer, 'remote-video', CAMERA)  # the sharer's camera goes on
    screen, camera = (viewer.evaluate('selector => document.querySelector(selector).getBoundingClientRect().width',
                                      video_in(viewer, name)) for name in ('screen-video', 'remote-video'))
    assert camera < screen / 2
    expect(by_testid(viewer, 'call-view').get_by_text(f'{sharer_name} is sharing their screen')).to_be_visible()
    expect(by_testid(sharer, 'toggle-screen')).to_have_attribute('aria-label', 'Stop sharing your screen')
    expect(by_testid(sharer, 'screen-video')).to_be_hidden()


def expect_camera_view(*pages: Page) -> None:
    for page in pages:
        expect(by_testid(page, 'screen-video')).to_be_hidden()
        expect(by_testid(page, 'toggle-screen')).to_have_attribute('aria-label', 'Share your screen')
        expect_playing(page, 'remote-video', CAMERA)


MODES = {  # name: the settings of the app, and the Agora cloud's RTM login uid of alice (None: no Agora signaling)
    'embedded': None,
    'agora-rtc-server-signaling': {'SIGNALING': 'server'},
    'agora-rtc-signaling-2': {'SIGNALING': 'agora-signaling'},  # numeric RTC uids, as CallAPI apps join
}


@pytest.fixture
def patient_expect():
    """Each step here is a round trip through the server and both browsers: on a loaded machine it can take more
    than Playwright's 5 s."""
    expect.set_options(timeout=30_000)
    yield
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(params=list(MODES))
def call(request, start_app, chromium, tmp_path, patient_expect):
    """alice and bob in a call, each playing the other's camera."""
    settings = MODES[request.param]
    cloud = None
    if settings is not None:
        cloud = FakeAgoraCloud().start()
        settings = {**settings, 'AGORA_APP_ID': APP_ID, 'AGORA_APP_CERTIFICATE': CERTIFICATE,
                    'AGORA_SDK_URL': str(cloud.sdk_folder(tmp_path))}
    app = start_app(**(settings or {}))
    contexts = [chromium.new_context() for _ in range(2)]
    for context in contexts:
        context.add_init_script(DISPLAY_RECORDER)
    alice, bob = (context.new_page() for context in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    for page in (alice, bob):
        expect_playing(page, 'remote-video', CAMERA)
        expect(page.get_by_text('Connecting…')).to_have_count(0)
    yield request.param, alice, bob, cloud
    for context in contexts:
        context.close()
    if cloud is not None:
        cloud.stop()
    assert 'Traceback' not in app.log()


def test_a_shared_screen_is_seen_large_and_stopped_both_ways(call, artifacts):
    mode, alice, bob, cloud = call
    by_testid(alice, 'toggle-screen').click()
    expect_screen_shown(bob, alice, 'alice')
    if mode == 'embedded':
        bob.screenshot(path=artifacts / 'shared-screen.png')  # docs/shared-screen.png is a copy of one
    else:  # a second client of alice's, with a uid and a token of its own, publishes the screen
        joins = [record for record in cloud.calls() if record['method'] == 'join']
        assert len(joins) == 3 and joins[-1]['args'][3] not in {joins[0]['args'][3], joins[1]['args'][3]}

    by_testid(alice, 'toggle-screen').click()  # stopped with the button
    expect_camera_view(alice, bob)
    alice.wait_for_function(f'() => {LIVE_CAPTURES} === 0')

    by_testid(alice, 'toggle-screen').click()  # shared again, then stopped with the browser's own bar
    expect_screen_shown(bob, alice, 'alice')
    alice.evaluate(STOP_SHARING_BAR)
    expect_camera_view(alice, bob)
    expect(by_testid(alice, 'call-view')).to_be_visible()


def test_the_other_side_takes_over_the_share(call):
    _mode, alice, bob, _cloud = call
    by_testid(alice, 'toggle-screen').click()
    expect_screen_shown(bob, alice, 'alice')
    by_testid(bob, 'toggle-screen').click()
    expect_screen_shown(alice, bob, 'bob')
    expect(by_testid(alice, 'call-notice')).to_have_text('bob is sharing their screen now: yours stopped')
    expect(by_testid(bob, 'call-notice')).to_have_text("alice's screen is no longer shown: yours is")
    alice.wait_for_function(f'() => {LIVE_CAPTURES} === 0')  # alice's capture stopped
    by_testid(bob, 'toggle-screen').click()
    expect_camera_view(alice, bob)


def test_closing_the_picker_is_no_error(call):
    _mode, alice, bob, _cloud = call
    alice.evaluate('window.__refusePicker = true')
    by_testid(alice, 'toggle-screen').click()
    expect(by_testid(alice, 'call-notice')).to_have_text('Screen sharing cancelled: no screen was chosen')
    expect_camera_view(alice, bob)  # the call goes on
    by_testid(alice, 'toggle-screen').click()  # and the next try shares
    expect_screen_shown(bob, alice, 'alice')


PIP = 'document.pictureInPictureElement && document.pictureInPictureElement.closest("[data-testid]").dataset.testid'


def test_picture_in_picture_shows_the_peer_or_their_screen_and_closes_with_the_call(call):
    _mode, alice, bob, _cloud = call
    expect(by_testid(bob, 'toggle-pip')).to_have_attribute('aria-label', 'Picture in picture')
    by_testid(bob, 'toggle-pip').click()
    bob.wait_for_function(f'() => ({PIP}) === "remote-video"')
    expect(by_testid(bob, 'toggle-pip')).to_have_attribute('aria-pressed', 'true')
    expect(by_testid(bob, 'hang-up')).to_be_visible()  # the call's controls stay in the page
    by_testid(alice, 'toggle-screen').click()  # the shared screen takes the window's place
    expect_screen_shown(bob, alice, 'alice')
    bob.wait_for_function(f'() => ({PIP}) === "screen-video"')
    by_testid(bob, 'toggle-pip').click()  # left
    bob.wait_for_function('() => document.pictureInPictureElement === null')
    expect(by_testid(bob, 'toggle-pip')).to_have_attribute('aria-pressed', 'false')
    by_testid(bob, 'toggle-pip').click()
    bob.wait_for_function(f'() => ({PIP}) === "screen-video"')
    bob.evaluate('''() => { window.__left = false; document.pictureInPictureElement
                               .addEventListener("leavepictureinpicture", () => { window.__left = true; }); }''')
    by_testid(alice, 'hang-up').click()  # ending the call closes the window
    expect(by_testid(bob, 'call-view')).to_have_count(0)
    bob.wait_for_function('() => document.pictureInPictureElement === null && window.__left')
