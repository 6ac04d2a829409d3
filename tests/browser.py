"""Playwright on Debian's Chromium with fake camera and microphone, and the page steps the tests share."""
from __future__ import annotations

import os

from playwright.sync_api import Page, expect

CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
]
# A loaded machine (CI beside other work) can take longer than Playwright's 5 s for a bcrypt sign-in; a waiting
# assertion that holds returns as soon as it holds, so only a failing one waits this long.
EXPECT_TIMEOUT_MS = 15_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


SIGN_IN_WAIT_MS = 30_000  # hashing the password takes a while on a machine busy with other tests


def by_testid(page: Page, name: str):
    return page.get_by_test_id(name)


def register(page: Page, base_url: str, username: str, password: str = 'correct horse') -> None:
    page.goto(f'{base_url}/register')
    by_testid(page, 'register-username').fill(username)
    by_testid(page, 'register-password').fill(password)
    by_testid(page, 'register-password-confirm').fill(password)
    by_testid(page, 'register-submit').click()
    expect(by_testid(page, 'me')).to_have_text(username, timeout=SIGN_IN_WAIT_MS)


def log_in(page: Page, base_url: str, username: str, password: str = 'correct horse') -> None:
    page.goto(f'{base_url}/login')
    by_testid(page, 'login-username').fill(username)
    by_testid(page, 'login-password').fill(password)
    by_testid(page, 'login-submit').click()
    expect(by_testid(page, 'me')).to_have_text(username, timeout=SIGN_IN_WAIT_MS)


# Keeps every peer connection a page makes reachable (`window.__peerConnections`) and logs what each one did
# (`window.__peerLogs`, one list per connection), so a call whose video never plays says how far it got.
PEER_RECORDER = '''(() => {
  const Original = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.__peerLogs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Original(...args);
    window.__peerConnections.push(pc);
    const lines = [];
    window.__peerLogs.push(lines);
    // Milliseconds of the epoch's last 100 s: one clock for every page of the browser.
    const log = (what) => lines.push(`${Math.round(performance.timeOrigin + performance.now()) % 100000} ${what}`);
    for (const name of ["signalingstatechange", "iceconnectionstatechange", "connectionstatechange",
                        "icegatheringstatechange", "negotiationneeded"]) {
      pc.addEventListener(name, () => log(`${name} ${pc.signalingState}/${pc.iceConnectionState}/` +
                                          `${pc.connectionState}/${pc.iceGatheringState}`));
    }
    pc.addEventListener("icecandidate", ({ candidate }) =>
      log(`local candidate ${candidate ? candidate.candidate : "(end)"}`));
    for (const method of ["setLocalDescription", "setRemoteDescription", "addIceCandidate", "restartIce"]) {
      const original = pc[method].bind(pc);
      pc[method] = (...callArgs) => {
        const arg = callArgs[0];
        const what = `${method} ${arg ? (arg.type || arg.candidate || "") : ""}`;
        log(what);
        const result = original(...callArgs);
        if (result && result.then) result.then(() => log(`${what} ok`), (error) => log(`${what} FAILED ${error}`));
        return result;
      };
    }
    return pc;
  };
  window.RTCPeerConnection.prototype = Original.prototype;
})()'''

# The log and ICE candidate pairs of the page's latest peer connection (needs PEER_RECORDER).
PEER_REPORT = '''async () => {
  const pc = window.__peerConnections.at(-1);
  if (!pc) return "no peer connection";
  const lines = [...window.__peerLogs.at(-1)];
  (await pc.getStats()).forEach((r) => {
    if (r.type === "candidate-pair") lines.push(`pair ${r.state} nominated=${r.nominated} ` +
      `requests=${r.requestsSent}/${r.requestsReceived} responses=${r.responsesReceived}`);
  });
  return lines.join("\\n");
}'''


def peer_report(page: Page) -> str:
    return page.evaluate(PEER_REPORT)


def expect_the_device_menu_to_show_what_is_in_use(page: Page) -> None:
    """In a call: the call view's device menu shows the camera and the microphone the call uses, by their labels."""
    in_use = page.evaluate('''async () => {
        const labels = Object.fromEntries((await navigator.mediaDevices.enumerateDevices())
            .map(device => [device.kind + device.deviceId, device.label]));
        const stream = await navigator.mediaDevices.getUserMedia({audio: true, video: true});
        stream.getTracks().forEach(track => track.stop());  // the call's own stream uses the same default devices
        return Object.fromEntries(stream.getTracks()
            .map(track => [track.kind, labels[track.kind + 'input' + track.getSettings().deviceId]]));
    }''')
    page.get_by_title('Camera and microphone').click()
    for name, kind in (('Camera', 'video'), ('Microphone', 'audio')):
        field = page.locator('.q-menu .q-field').filter(has_text=name)
        expect(field.locator('.q-field__native')).to_have_text(in_use[kind])
