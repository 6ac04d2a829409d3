"""The RTC side of the stand-in CallAPI app: a Chromium page that does with agora-rtc-sdk-ng what CallAPI's Web
source does (Web/src/callApi/core/callApi.ts, branch dev/web of AgoraIO-Community/CallAPI).

`join` is `_rtcLocalJoinPlayPublish`: a client `createClient({mode: "live", codec: "vp9", role: "host"})`, the
camera and microphone created while it joins `roomId` (the call's `fromRoomId`) as the numeric user id, the local
video played, then `publish([video, audio])`. Like `_listenRtcEvents` it only minds the remote user id of the call:
it subscribes to each track that user publishes and plays it. `leave` is `destroy`: tracks closed, channel left.
The app is not ringboard's page: it is served from a little HTTP server of its own, with the RTC stand-in of the
same fake Agora cloud, so both sides meet in that cloud.
"""
from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from playwright.sync_api import Page

from ui.agora_sdk import RTC_SDK

from .fake_agora_cloud import FakeAgoraCloud

PAGE = '''<!doctype html>
<html><head><meta charset="utf-8"><title>CallAPI app (stand-in)</title></head>
<body>
<div id="local" style="width:320px;height:240px"></div>
<div id="remote" style="width:320px;height:240px"></div>
<script>
window.callapi = { events: [] };
window.callapiJoin = async (appId, roomId, token, userId, remoteUserId) => {
  const AgoraRTC = (await import("./__RTC__")).default;
  const rtc = (window.rtc = AgoraRTC.createClient({ mode: "live", codec: "vp9", role: "host" }));
  const note = (...event) => callapi.events.push(event);
  rtc.on("user-joined", (user) => user.uid == remoteUserId && note("remoteJoined", user.uid));
  rtc.on("user-left", (user) => user.uid == remoteUserId && note("remoteLeft", user.uid));
  rtc.on("user-published", async (user, mediaType) => {
    if (user.uid != remoteUserId) return;
    await rtc.subscribe(user, mediaType);
    note("subscribed", mediaType);
    if (mediaType === "video") user.videoTrack.play(document.getElementById("remote"));
    else user.audioTrack.play();
  });
  const [tracks] = await Promise.all([AgoraRTC.createMicrophoneAndCameraTracks(),
                                      rtc.join(appId, roomId, token, userId)]);
  window.tracks = tracks;
  tracks[1].play(document.getElementById("local"));
  await rtc.publish([tracks[1], tracks[0]]);
  note("published");
};
window.callapiLeave = async () => {
  for (const track of window.tracks || []) track.close();
  await rtc.leave();
  callapi.events.push(["left"]);
};
</script>
</body></html>
'''.replace('__RTC__', RTC_SDK)

REMOTE_VIDEO_RUNNING = '''() => {
    const video = document.querySelector("#remote video");
    return !!video && video.videoWidth > 0 && video.currentTime > 0.2;
}'''


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map,
                                                '.mjs': 'text/javascript', '.js': 'text/javascript'}

    def log_message(self, fmt: str, *args: object) -> None:
        pass


class CallApiRtc:
    def __init__(self, page: Page, cloud: FakeAgoraCloud, folder: Path) -> None:
        """Serve the app from `folder` (a fresh one) and open it in `page`."""
        site = cloud.sdk_folder(folder)  # the SDKs in the CDN's layout, the page beside them
        (site / 'callapi.html').write_text(PAGE, encoding='utf-8')
        self._server = ThreadingHTTPServer(('127.0.0.1', 0), partial(_QuietHandler, directory=str(site)))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.page = page
        page.goto(f'http://127.0.0.1:{self._server.server_address[1]}/callapi.html')

    def close(self) -> None:
        self.page.context.close()
        self._server.shutdown()
        self._server.server_close()

    def join(self, app_id: str, room: str, token: str, user_id: int, remote_user_id: int) -> None:
        self.page.evaluate('([a, r, t, u, p]) => callapiJoin(a, r, t, u, p)', [app_id, room, token, user_id,
                                                                              remote_user_id])

    def leave(self) -> None:
        self.page.evaluate('callapiLeave()')

    def events(self) -> list[list]:
        return self.page.evaluate('callapi.events')

    def wait_for_remote_media(self) -> None:
        """The remote user's video plays here and its audio track is live."""
        self.page.wait_for_function(REMOTE_VIDEO_RUNNING, timeout=20_000)
        self.page.wait_for_function('''() => {
            const user = rtc.remoteUsers[0];
            const track = user && user.audioTrack && user.audioTrack.getMediaStreamTrack();
            return !!track && track.readyState === "live";
        }''', timeout=10_000)

    def wait_for_event(self, *event: object) -> None:
        self.page.wait_for_function('(event) => callapi.events.some((e) => JSON.stringify(e) === '
                                    'JSON.stringify(event))', arg=list(event), timeout=15_000)
