"""Where the browser loads the Agora Web SDKs from (pinned versions; never committed to this repository)."""
from __future__ import annotations

from nicegui import App

from backend.settings import Settings

RTM_SDK = 'agora-rtm-sdk@1.5.1/index.js'  # 1.x: the call-invitation API (2.x removed it)
SIGNALING_SDK = 'agora-rtm-sdk@2.3.0/agora-rtm.js'  # Signaling 2.x: user-channel messages (CallAPI's transport)
RTC_SDK = 'agora-rtc-sdk-ng@4.24.2/AgoraRTC_N-production.esm.mjs'
LOCAL_ROUTE = '/agora-sdk'


def sdk_base(settings: Settings) -> str:
    """The URL prefix of both SDK files: the configured CDN, or this server's route for a local folder."""
    url = settings.agora_sdk_url
    return url if url.startswith(('http://', 'https://')) else LOCAL_ROUTE


def serve_local_sdks(app: App, settings: Settings) -> None:
    if settings.agora_enabled and sdk_base(settings) == LOCAL_ROUTE:
        app.add_static_files(LOCAL_ROUTE, settings.agora_sdk_url)
