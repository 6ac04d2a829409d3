"""What `presenceTimeout` agora-rtm-sdk 2.3.0 allows, measured in Chromium, and the stand-in allowing the same.

The typings only say "default 300"; the SDK clamps a numeric value to 5..300 s without an error. Ringboard sets 10
(ui/components/agora_signaling_session.py), within the range, so a closed tab shows offline within 15 s.
The real SDK keeps the value it uses in its client's context (read here; no public getter exists).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ui.agora_sdk import SIGNALING_SDK
from ui.components.agora_signaling_session import PRESENCE_TIMEOUT

from .agora_sdk_cache import real_sdk_folder
from .fake_agora_cloud import FakeAgoraCloud

pytestmark = pytest.mark.browser

ASKED = [None, 0, 1, 4, 5, 10, 299, 300, 301, 1000]
EXPECTED = [300, 5, 5, 5, 5, 10, 299, 300, 300, 300]
USED = {  # where each SDK keeps the value it uses
    'real': 'rtm.presence.presenceImpl._context.rtmConfig.presenceTimeout',
    'stand-in': 'rtm._config.presenceTimeout',
}


def measure(chromium, sdk_file: Path, used: str) -> list[int]:
    context = chromium.new_context()
    page = context.new_page()
    page.set_content('<!doctype html><title>presenceTimeout</title>')
    page.add_script_tag(content=sdk_file.read_text(encoding='utf-8'))
    values = page.evaluate(f'''(asked) => asked.map((timeout, index) => {{
        const rtm = new AgoraRTM.RTM("970ca35de60c44645bbae8a215061b33", `user${{index}}`,
                                     timeout === null ? {{}} : {{ presenceTimeout: timeout }});
        return {used};
    }})''', ASKED)
    context.close()
    return values


def test_real_sdk_clamps_presence_timeout_to_5_to_300_and_the_stand_in_does_too(chromium, tmp_path: Path) -> None:
    real = real_sdk_folder() / SIGNALING_SDK
    with FakeAgoraCloud() as cloud:
        stand_in = cloud.sdk_folder(tmp_path) / SIGNALING_SDK
        assert measure(chromium, real, USED['real']) == EXPECTED
        assert measure(chromium, stand_in, USED['stand-in']) == EXPECTED
    assert 5 <= PRESENCE_TIMEOUT < 15
