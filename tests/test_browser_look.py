"""What a person sees, in real Chromium at a phone's and a desktop's size: the peer's avatar, name and state where
their video is not showing (not arrived yet, camera off, paused), the call filling a phone, dark mode. Screenshots of
each state go to test-artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .browser import PEER_RECORDER, by_testid, log_in, register
from .fake_agora_cloud import FakeAgoraCloud
from .test_browser_agora_mode import APP_ID, CERTIFICATE, wait_until_connected
from .test_browser_video_call import wait_until_both_play

pytestmark = pytest.mark.browser

SIZES = {'phone': {'width': 390, 'height': 844}, 'desktop': {'width': 1280, 'height': 800}}


def two_people(chromium, app, size: str, **context):
    contexts = [chromium.new_context(viewport=SIZES[size], **context) for _ in range(2)]
    for each in contexts:
        each.add_init_script(PEER_RECORDER)
    alice, bob = (each.new_page() for each in contexts)
    register(alice, app.url, 'alice')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    return contexts, alice, bob


def expect_placeholder(page, user: str, words: str) -> None:
    placeholder = by_testid(page, 'remote-placeholder')
    expect(placeholder).to_be_visible()
    expect(placeholder.get_by_test_id(f'avatar-{user}')).to_have_text(user[0].upper())
    expect(placeholder).to_contain_text(user)
    expect(by_testid(page, 'remote-placeholder-state')).to_have_text(words)


# bob's camera goes into the call's connection at the accept (into the sender the instant answer made ready) but is
# held there until released: alice's page has the video track and no frame of it yet.
HOLD_CAMERA = '''() => {
  const replace = RTCRtpSender.prototype.replaceTrack;
  window.__heldCameras = [];
  RTCRtpSender.prototype.replaceTrack = function (track) {
    if (!track || track.kind !== "video" || !window.__heldCameras) return replace.call(this, track);
    window.__heldCameras.push([this, track]);
    return Promise.resolve();
  };
  window.__releaseCameras = () => {
    const held = window.__heldCameras;
    window.__heldCameras = null;
    return Promise.all(held.map(([sender, track]) => replace.call(sender, track)));
  };
}'''

# The peer's video stops arriving (their sender sends nothing), without telling anyone: it froze.
FREEZE = '''(on) => {
  const pc = window.__peerConnections.at(-1);
  const sender = pc.getSenders().find((s) => s.track && s.track.kind === "video" || s.__held);
  if (!on) { sender.__held = sender.track; return sender.replaceTrack(null); }
  return sender.replaceTrack(sender.__held);
}'''


@pytest.mark.parametrize('size', ['desktop', 'phone'])
def test_the_peer_shows_as_themselves_when_their_video_does_not(start_app, chromium, artifacts, size):
    app = start_app()
    contexts, alice, bob = two_people(chromium, app, size)
    expect(by_testid(bob, 'user-alice').get_by_test_id('avatar-alice')).to_have_text('A')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call').get_by_test_id('avatar-alice')).to_be_visible()
    bob.wait_for_function('() => window.__peerConnections.at(-1)?.connectionState === "connected"')  # while it rings
    bob.evaluate(HOLD_CAMERA)
    by_testid(bob, 'accept-call').click()
    bob.wait_for_function('() => window.__heldCameras.length === 1')
    expect_placeholder(alice, 'bob', 'Waiting for video…')  # until bob's first frame
    alice.screenshot(path=artifacts / f'look-waiting-for-video-{size}-light.png')
    bob.evaluate('() => window.__releaseCameras()')
    wait_until_both_play(alice, bob, artifacts)
    for page in (alice, bob):
        expect(by_testid(page, 'remote-placeholder')).to_have_count(0)

    by_testid(alice, 'toggle-video').click()
    expect_placeholder(bob, 'alice', 'Camera off')
    bob.screenshot(path=artifacts / f'look-camera-off-{size}-light.png')
    by_testid(alice, 'toggle-video').click()
    expect(by_testid(bob, 'remote-placeholder')).to_have_count(0)

    alice.evaluate(FREEZE, False)
    expect_placeholder(bob, 'alice', 'Video paused')
    alice.evaluate(FREEZE, True)
    expect(by_testid(bob, 'remote-placeholder')).to_have_count(0)
    by_testid(bob, 'hang-up').click()
    expect(by_testid(alice, 'history-item').get_by_test_id('avatar-bob')).to_have_text('B')
    for each in contexts:
        each.close()


@pytest.fixture
def agora_app(start_app, tmp_path):
    """Agora mode (RTM 1.x signaling, RTC media) over the SDKs' stand-ins and a fake Agora cloud."""
    with FakeAgoraCloud(peer_offline_delay=1.0) as cloud:
        yield start_app(AGORA_APP_ID=APP_ID, AGORA_APP_CERTIFICATE=CERTIFICATE, SIGNALING='agora-rtm',
                        AGORA_SDK_URL=str(cloud.sdk_folder(tmp_path)))


@pytest.mark.parametrize('size', ['desktop', 'phone'])
def test_the_peer_shows_as_themselves_with_agora_media(agora_app, chromium, artifacts, size):
    contexts, alice, bob = two_people(chromium, agora_app, size)
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    wait_until_connected(alice, bob)
    expect(by_testid(bob, 'remote-placeholder')).to_have_count(0)

    by_testid(alice, 'toggle-video').click()  # the SDK unpublishes alice's video: bob's track is gone
    expect_placeholder(bob, 'alice', 'Camera off')
    bob.screenshot(path=artifacts / f'look-agora-camera-off-{size}-light.png')
    by_testid(alice, 'toggle-video').click()
    expect(by_testid(bob, 'remote-placeholder')).to_have_count(0)
    for each in contexts:
        each.close()


def test_a_call_fills_a_phone_and_the_dashboard_comes_back_after_it(start_app, chromium, artifacts):
    app = start_app()
    contexts, alice, bob = two_people(chromium, app, 'phone')
    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    bob.screenshot(path=artifacts / 'look-incoming-phone-light.png')
    by_testid(bob, 'accept-call').click()
    wait_until_both_play(alice, bob, artifacts)
    for page in (alice, bob):
        view = by_testid(page, 'call-view').bounding_box()
        assert view == {'x': 0, 'y': 0, 'width': 390, 'height': 844}
        assert by_testid(page, 'remote-video').bounding_box()['height'] > 844 * 0.6  # the peer's video fills it
        hang_up = by_testid(page, 'hang-up').bounding_box()
        assert hang_up['y'] > 844 * 0.8  # within thumb reach
        local = by_testid(page, 'local-video').bounding_box()
        assert local['width'] < 390 / 2 and local['x'] > 390 / 2  # the self-view in a corner
        expect(by_testid(page, 'history')).to_be_hidden()
        expect(by_testid(page, 'me')).to_be_hidden()
        expect(by_testid(page, 'toggle-fullscreen')).to_be_hidden()
    alice.screenshot(path=artifacts / 'look-in-call-phone-light.png')

    by_testid(bob, 'hang-up').click()
    for page in (alice, bob):
        expect(by_testid(page, 'call-view')).to_have_count(0)
        expect(by_testid(page, 'history')).to_be_visible()
        expect(by_testid(page, 'me')).to_be_visible()
        expect(by_testid(page, 'call-notice')).to_contain_text('Call ended')
    item = by_testid(alice, 'history-item')
    name, result = item.get_by_text('bob', exact=True), item.get_by_text('Completed')
    assert name.bounding_box()['y'] + name.bounding_box()['height'] <= result.bounding_box()['y'] + 1  # two lines
    alice.screenshot(path=artifacts / 'look-dashboard-phone-light.png')
    for each in contexts:
        each.close()


def test_a_desktop_call_can_go_full_screen(start_app, chromium):
    app = start_app()
    contexts, alice, bob = two_people(chromium, app, 'desktop')
    by_testid(alice, 'call-bob').click()
    by_testid(bob, 'accept-call').click()
    expect(by_testid(alice, 'call-view')).to_be_visible()
    assert by_testid(alice, 'call-view').bounding_box()['width'] < 1280  # in the page, beside the header
    by_testid(alice, 'toggle-fullscreen').click()
    alice.wait_for_function('() => document.fullscreenElement?.dataset.testid === "call-view"')
    by_testid(alice, 'toggle-fullscreen').click()
    alice.wait_for_function('() => document.fullscreenElement === null')
    for each in contexts:
        each.close()


# WCAG's contrast of an element's text with what is behind it: its colour over the backgrounds of it and its
# ancestors, composited from the first opaque one up.
CONTRAST = '''(element) => {
  const rgba = (css) => {
    const parts = css.match(/[\\d.]+/g).map(Number);
    return parts.length > 3 ? parts : [...parts, 1];
  };
  const over = (top, base) => base.map((value, i) => top[i] * top[3] + value * (1 - top[3]));
  const layers = [];
  for (let node = element; node; node = node.parentElement) {
    const color = rgba(getComputedStyle(node).backgroundColor);
    if (color[3] > 0) layers.push(color);
    if (color[3] >= 1) break;
  }
  const background = layers.reverse().reduce((base, layer) => over(layer, base), [255, 255, 255]);
  const text = over(rgba(getComputedStyle(element).color), background);
  const luminance = (rgb) => rgb.map((v) => v / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [light, dark] = [luminance(text), luminance(background)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}'''


def expect_readable(page, *locators) -> None:
    """Each element's text has a contrast of at least 4.5:1 with its background."""
    for locator in locators:
        expect(locator.first).to_be_visible()
        ratio = locator.first.evaluate(CONTRAST)
        assert ratio >= 4.5, f'{locator.first}: contrast {ratio:.2f}'


def is_dark(page) -> bool:
    return page.evaluate('document.body.classList.contains("body--dark")')


@pytest.mark.parametrize('theme', ['light', 'dark'])
@pytest.mark.parametrize('size', ['phone', 'desktop'])
def test_every_page_and_call_state_reads_in_the_systems_theme(start_app, chromium, artifacts, size, theme):
    app = start_app()
    shot = lambda page, name: page.screenshot(path=artifacts / f'look-{name}-{size}-{theme}.png')  # noqa: E731
    contexts = [chromium.new_context(viewport=SIZES[size], color_scheme=theme) for _ in range(2)]
    alice, bob = (each.new_page() for each in contexts)
    alice.goto(f'{app.url}/login')
    by_testid(alice, 'login-username').fill('nobody')
    by_testid(alice, 'login-password').fill('wrong password')
    by_testid(alice, 'login-submit').click()
    expect(by_testid(alice, 'auth-error')).to_be_visible()
    assert is_dark(alice) == (theme == 'dark')
    expect_readable(alice, by_testid(alice, 'app-name'), by_testid(alice, 'auth-error'), alice.get_by_text('New here?'),
                    alice.get_by_role('link', name='Create an account'), by_testid(alice, 'login-submit'))
    shot(alice, 'login')
    register(alice, app.url, 'alice')
    bob.goto(f'{app.url}/register')
    expect_readable(bob, by_testid(bob, 'app-name'), bob.get_by_text('Have an account?'),
                    bob.get_by_role('link', name='Sign in'), by_testid(bob, 'register-submit'))
    shot(bob, 'register')
    register(bob, app.url, 'bob')
    expect(by_testid(alice, 'status-bob')).to_have_text('online')
    expect_readable(alice, by_testid(alice, 'app-name'), by_testid(alice, 'name-bob'), by_testid(alice, 'status-bob'),
                    alice.get_by_text('People', exact=True), alice.get_by_text('No calls yet.'))
    if size == 'desktop':
        expect_readable(alice, by_testid(alice, 'me'), by_testid(alice, 'logout'))

    by_testid(alice, 'call-bob').click()
    expect(by_testid(bob, 'incoming-call')).to_be_visible()
    expect_readable(bob, by_testid(bob, 'incoming-caller'), by_testid(bob, 'accept-call'),
                    by_testid(bob, 'decline-call'))
    expect_readable(alice, alice.get_by_text('Calling bob…'), by_testid(alice, 'cancel-call'))
    shot(bob, 'incoming')
    by_testid(bob, 'accept-call').click()
    wait_until_both_play(alice, bob, artifacts)
    shot(alice, 'in-call')
    by_testid(alice, 'toggle-video').click()
    expect_placeholder(bob, 'alice', 'Camera off')
    expect_readable(bob, by_testid(bob, 'remote-placeholder-state'), by_testid(bob, 'call-duration'))
    shot(bob, 'camera-off')
    by_testid(alice, 'hang-up').click()
    expect(by_testid(alice, 'history-item')).to_have_count(1)
    expect_readable(alice, by_testid(alice, 'call-notice'), by_testid(alice, 'history-item').get_by_text('bob'),
                    by_testid(alice, 'history-item').get_by_text('Completed'))
    shot(alice, 'dashboard')

    alice.goto(f'{app.url}/account')
    by_testid(alice, 'display-name').fill('Alice Liddell')
    by_testid(alice, 'display-name-save').click()
    expect(by_testid(alice, 'account-notice')).to_contain_text('Alice Liddell')
    assert is_dark(alice) == (theme == 'dark')
    expect_readable(alice, by_testid(alice, 'account-notice'), alice.get_by_text('Display name', exact=True),
                    alice.get_by_text('How others see you'))
    shot(alice, 'account')
    for each in contexts:
        each.close()


def test_the_dark_toggle_is_remembered_until_it_goes_back_to_the_system(start_app, chromium):
    app = start_app()
    context = chromium.new_context(viewport=SIZES['desktop'], color_scheme='light')
    page = context.new_page()
    register(page, app.url, 'alice')
    assert not is_dark(page)
    by_testid(page, 'toggle-dark').click()
    page.wait_for_function('document.body.classList.contains("body--dark")')
    page.reload()
    expect(by_testid(page, 'me')).to_be_visible()
    assert is_dark(page)
    other = context.new_page()
    other.goto(app.url)
    expect(by_testid(other, 'me')).to_be_visible()
    assert is_dark(other)
    elsewhere = chromium.new_context(viewport=SIZES['desktop'], color_scheme='light')  # another browser
    log_in(elsewhere.new_page(), app.url, 'alice')
    assert is_dark(elsewhere.pages[0])  # the pick is the person's, not the browser's
    elsewhere.close()
    by_testid(other, 'toggle-dark').click()  # light, as the system: following the system again
    other.wait_for_function('!document.body.classList.contains("body--dark")')
    page.emulate_media(color_scheme='dark')
    page.reload()
    expect(by_testid(page, 'me')).to_be_visible()
    assert is_dark(page)
    context.close()
