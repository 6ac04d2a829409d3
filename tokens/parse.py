"""Version dispatch for parsing and verifying 006 and 007 tokens."""

from __future__ import annotations

from typing import Any

from . import access_token, access_token2


def parse_token(token: str) -> dict[str, Any]:
    """Decode a 006 or 007 token without checking its signature.

    Raises ``ValueError`` (and nothing else) for anything that is not a well-formed token: a non-str, an
    unknown version prefix, bad or non-canonical base64, bad or truncated zlib data, fields running past
    the end, trailing bytes, a signature that is not 32 bytes, an app id that is not 32 hex characters,
    invalid UTF-8 in a string field, duplicate privilege keys, or an unknown 007 service type.

    007 result::

        {"version": "007", "app_id": str, "issue_ts": int, "expire": int, "salt": int,
         "signature": str (64 hex chars),
         "services": [  # in token order (sorted by type)
             {"type": 1, "name": "rtc", "privileges": {1: secs, 2: secs, ...}, "channel": str, "uid": str},
             {"type": 2, "name": "rtm", "privileges": {1: secs}, "user_id": str},
             {"type": 3, "name": "streaming", "privileges": {...}, "channel": str, "account": str},
             {"type": 4, "name": "fpa", "privileges": {...}},
             {"type": 5, "name": "chat", "privileges": {...}, "user_id": str},
             {"type": 6, "name": "fcdn", "privileges": {...}, "channel": str, "account": str},
             {"type": 7, "name": "apaas", "privileges": {...}, "room_uuid": str, "user_uuid": str, "role": int},
             {"type": 8, "name": "rtm2", "privileges": {...}, "user_id": str,
              "permissions": {resource_type: {permission_type: [str, ...]}}},
         ]}

    ``expire`` and privilege values are seconds relative to ``issue_ts``; an RTC ``uid`` of "" means any uid.

    006 result::

        {"version": "006", "app_id": str, "ts": int, "salt": int,
         "privileges": {1: unix_time, ...},  # 1000 is RTM login
         "crc_channel": int, "crc_uid": int,  # CRC-32 of the channel name and uid string
         "signature": str (64 hex chars)}

    006 privilege values are absolute unix times; the channel and uid themselves are not in the token.
    """
    if not isinstance(token, str):
        raise ValueError(f"token must be a str, got {type(token).__name__}")
    if token.startswith(access_token2.VERSION):
        return access_token2.parse(token)
    if token.startswith(access_token.VERSION):
        return access_token.parse(token)
    raise ValueError('not an Agora token: expected a str starting with "006" or "007"')


def verify_token(
    token: str,
    app_certificate: str,
    *,
    channel: str | None = None,
    account: int | str | None = None,
) -> bool:
    """Check a token's signature against ``app_certificate`` (constant-time comparison).

    Returns False for a malformed token, a malformed certificate or a wrong certificate.

    - 007: everything signed is in the token; ``channel`` and ``account`` are ignored (compare them with
      ``parse_token(token)["services"]`` if needed). The signature covers the decompressed content, so a
      re-compressed token (another zlib) still verifies, as can one differing only in the unused padding
      bits of deflate's last byte: that changes no signed byte.
    - 006: the signature covers the channel name and uid, but the token only carries their CRCs, so both
      are required: ``channel`` (for an RTM token, the user id) and ``account`` (int uid, 0 = any uid, or
      str account; for an RTM token pass 0 or ""). A 006 token without them raises ``ValueError`` naming
      the missing argument; a mismatching channel/account returns False.
    """
    if not isinstance(token, str):
        return False
    if token.startswith(access_token2.VERSION):
        return access_token2.verify(token, app_certificate)
    if token.startswith(access_token.VERSION):
        missing = [name for name, value in (("channel", channel), ("account", account)) if value is None]
        if missing:
            raise ValueError(f"verifying a 006 token needs {' and '.join(missing)} (the token only carries CRCs)")
        return access_token.verify(token, app_certificate, channel, account)
    return False
