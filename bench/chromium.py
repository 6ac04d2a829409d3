"""Headless Debian Chromium for the browser benchmarks (the tests' flags: fake camera and microphone).

Times are taken inside the pages (`performance.timeOrigin + performance.now()`, one clock for every page of
the browser), so Playwright's own round trips do not count.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from tests.browser import CHROMIUM, CHROMIUM_ARGS

# The callee's accept click and the first remote video frame, both in epoch milliseconds.
CALL_TIMING = '''(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__bench = { acceptAt: null };
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest('[data-testid="accept-call"]')) window.__bench.acceptAt = now();
  }, true);
  // The first frame of a remote video that appears after this call: requestVideoFrameCallback's presentation
  // time, or (where that never fires) the first poll that sees a size and advancing time.
  // Fire and forget (`__watchRemoteFrame`), then read `__bench.frameAt`: a page.evaluate left pending on a
  // page that is then clicked kept its remote video from ever playing in this Chromium.
  window.__watchRemoteFrame = (timeoutMs) => {
    Object.assign(window.__bench, { frameAt: undefined, viewAt: null, trackAt: null });
    window.__firstRemoteFrame(timeoutMs).then((at) => { window.__bench.frameAt = at; });
    watchView(timeoutMs);
  };
  // The call view may come after the first frame (instant answer reveals it in the ringing card): watched apart.
  const watchView = (timeoutMs) => {
    const started = now();
    const poll = () => {
      markProgress();
      if (window.__bench.viewAt === null && now() - started < timeoutMs) setTimeout(poll, 5);
    };
    poll();
  };
  // A breakdown on the way: the call view is on screen, then the remote stream is attached.
  const markProgress = () => {
    if (window.__bench.viewAt === null && document.querySelector('[data-testid="call-view"]')) {
      window.__bench.viewAt = now();
    }
    const video = document.querySelector('video[data-testid="remote-video"]');
    if (video && video.srcObject && window.__bench.trackAt === null) window.__bench.trackAt = now();
    return video;
  };
  window.__firstRemoteFrame = (timeoutMs) => new Promise((resolve) => {
    const started = now();
    let watched = null;
    const poll = () => {
      const video = markProgress();
      if (video && video !== watched && "requestVideoFrameCallback" in video) {
        watched = video;
        video.requestVideoFrameCallback((t, meta) => resolve(performance.timeOrigin + (meta.presentationTime || t)));
      }
      if (video && video.videoWidth > 0 && video.currentTime > 0) return resolve(now());
      if (now() - started > timeoutMs) return resolve(null);
      setTimeout(poll, 5);
    };
    poll();
  });
  // A voice call has no frames: its first remote audio instead, the first poll (every 10 ms) at which the page's
  // remote element plays a stream with audio and the page's open peer connections (tests/browser.py's
  // PEER_RECORDER keeps them) have received audio packets since the poll before (with instant answer the caller's
  // audio arrives while it rings, but plays nowhere before the accept). It lands in `__bench.frameAt` too: the
  // first remote media, whichever kind the call has.
  window.__watchRemoteAudio = (timeoutMs) => {
    Object.assign(window.__bench, { frameAt: undefined, viewAt: null, trackAt: null });
    watchView(timeoutMs);
    const started = now();
    let before = null;
    const poll = async () => {
      const video = markProgress();
      let received = 0;
      for (const pc of window.__peerConnections || []) {
        if (pc.signalingState === "closed") continue; // an earlier call's
        (await pc.getStats()).forEach((r) => {
          if (r.type === "inbound-rtp" && r.kind === "audio") received += r.packetsReceived || 0;
        });
      }
      const playing = video && !video.paused && video.srcObject && video.srcObject.getAudioTracks().length > 0;
      if (playing && before !== null && received > before) return (window.__bench.frameAt = now());
      before = received;
      if (now() - started > timeoutMs) return (window.__bench.frameAt = null);
      setTimeout(poll, 10);
    };
    poll();
  };
})()'''

# When the page became usable: the `me` element visible and NiceGUI's socket connected and handshaken.
INTERACTIVE_TIMING = '''(() => {
  const check = () => {
    const me = document.querySelector('[data-testid="me"]');
    const visible = me && me.getClientRects().length > 0 && getComputedStyle(me).visibility !== "hidden";
    if (visible && window.did_handshake === true && window.socket && window.socket.connected) {
      window.__interactiveAt = performance.now();
      return;
    }
    setTimeout(check, 2);
  };
  check();
})()'''


@asynccontextmanager
async def chromium() -> Any:
    """A headless Chromium (async Playwright) with the tests' media flags."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


def chromium_version() -> str:
    from .report import chromium_version as version
    return version() or CHROMIUM
