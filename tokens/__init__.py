"""Agora AccessToken2 ("007") and AccessToken ("006") builders, parser and verifier (standard library only).

Byte-compatible with Agora's reference implementation (AgoraIO/Tools, DynamicKey/AgoraDynamicKey), but bad
input raises ``ValueError`` naming the problem instead of silently producing an empty string.
"""

from .access_token import build_rtc_token_006, build_rtm_token_006
from .access_token2 import build_rtc_token, build_rtm_token
from .parse import parse_token, verify_token

__all__ = [
    "build_rtc_token",
    "build_rtc_token_006",
    "build_rtm_token",
    "build_rtm_token_006",
    "parse_token",
    "verify_token",
]
