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
  };
  window.__firstRemoteFrame = (timeoutMs) => new Promise((resolve) => {
    const started = now();
    let watched = null;
    const poll = () => {
      // A breakdown on the way: the call view is on screen, then the remote stream is attached.
      if (window.__bench.viewAt === null && document.querySelector('[data-testid="call-view"]')) {
        window.__bench.viewAt = now();
      }
      const video = document.querySelector('video[data-testid="remote-video"]');
      if (video && video.srcObject && window.__bench.trackAt === null) window.__bench.trackAt = now();
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
