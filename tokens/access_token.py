"""AccessToken, version "006": build, parse and verify.

Layout (TOKENS.md)::

    token     = "006" + app_id (32 chars) + base64(content)          no compression
    content   = string(signature) + uint32(crc32(channel)) + uint32(crc32(uid_str)) + string(message)
    message   = uint32(salt) + uint32(ts) + map(privilege -> absolute unix expiry time)
    signature = HMAC_SHA256(key=app_certificate, msg=app_id + channel + uid_str + message)
"""

from __future__ import annotations

import base64
import hmac
import zlib
from collections.abc import Mapping
from typing import Any

from .codec import b64decode_strict
from .packing import Reader, pack_bytes, pack_map_uint32, pack_uint32
from .validation import (
    account_to_uid_str,
    check_app_id,
    check_certificate,
    check_channel,
    check_expire,
    check_user_id,
    resolve_salt,
    resolve_ts_006,
    role_privileges,
)

VERSION = "006"
APP_ID_CHARS = 32
SIGNATURE_BYTES = 32  # HMAC-SHA256
RTM_LOGIN = 1000


def sign(app_certificate: str, app_id: str, channel: str, uid_str: str, message: bytes) -> bytes:
    """The 006 signature."""
    signed = app_id.encode("utf-8") + channel.encode("utf-8") + uid_str.encode("utf-8") + message
    return hmac.digest(app_certificate.encode("utf-8"), signed, "sha256")


def _build(
    app_id: str, app_certificate: str, channel: str, uid_str: str, privileges: Mapping[int, int], ts: int, salt: int
) -> str:
    message = pack_uint32(salt) + pack_uint32(ts) + pack_map_uint32(privileges)
    signature = sign(app_certificate, app_id, channel, uid_str, message)
    # The CRCs let a server pick the right channel/uid to check without them being in clear text.
    content = b"".join(
        [
            pack_bytes(signature),
            pack_uint32(zlib.crc32(channel.encode("utf-8"))),
            pack_uint32(zlib.crc32(uid_str.encode("utf-8"))),
            pack_bytes(message),
        ]
    )
    return VERSION + app_id + base64.b64encode(content).decode("ascii")


def build_rtc_token_006(
    app_id: str,
    app_certificate: str,
    channel: str,
    account: int | str,
    *,
    role: str = "publisher",
    privilege_expire_ts: int,
    ts: int | None = None,
    salt: int | None = None,
) -> str:
    """006 RTC token; each privilege of ``role`` expires at the absolute unix time ``privilege_expire_ts``.

    ``ts`` defaults to now + 24 h and ``salt`` to a random 1..99999999, as in the reference builders.
    """
    check_app_id(app_id)
    check_certificate(app_certificate)
    privileges = dict.fromkeys(role_privileges(role), check_expire(privilege_expire_ts, "privilege_expire_ts"))
    return _build(
        app_id,
        app_certificate,
        check_channel(channel),
        account_to_uid_str(account),
        privileges,
        resolve_ts_006(ts),
        resolve_salt(salt),
    )


def build_rtm_token_006(
    app_id: str,
    app_certificate: str,
    user_id: str,
    *,
    privilege_expire_ts: int,
    ts: int | None = None,
    salt: int | None = None,
) -> str:
    """006 RTM token: the user id goes where the channel name would, with the empty uid and privilege 1000."""
    check_app_id(app_id)
    check_certificate(app_certificate)
    privileges = {RTM_LOGIN: check_expire(privilege_expire_ts, "privilege_expire_ts")}
    return _build(
        app_id, app_certificate, check_user_id(user_id), "", privileges, resolve_ts_006(ts), resolve_salt(salt)
    )


def decode(token: str) -> tuple[dict[str, Any], bytes, bytes]:
    """Split a 006 token into (fields, signature, message); ``ValueError`` if malformed."""
    if not isinstance(token, str) or not token.startswith(VERSION):
        raise ValueError('not a 006 token: expected a str starting with "006"')
    app_id = token[len(VERSION):len(VERSION) + APP_ID_CHARS]
    try:
        check_app_id(app_id)
    except ValueError as exc:
        raise ValueError(f"malformed token: {exc}") from None
    reader = Reader(b64decode_strict(token[len(VERSION) + APP_ID_CHARS:]))
    signature = reader.blob("signature")
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError(f"malformed token: signature is {len(signature)} bytes, expected {SIGNATURE_BYTES}")
    crc_channel = reader.uint32("channel crc")
    crc_uid = reader.uint32("uid crc")
    message = reader.blob("message")
    reader.expect_end("the message")
    inner = Reader(message)
    fields: dict[str, Any] = {
        "version": VERSION,
        "app_id": app_id,
        "salt": inner.uint32("salt"),
        "ts": inner.uint32("ts"),
        "privileges": inner.map_uint32("privileges"),
        "crc_channel": crc_channel,
        "crc_uid": crc_uid,
        "signature": signature.hex(),
    }
    inner.expect_end("the privileges")
    return fields, signature, message


def parse(token: str) -> dict[str, Any]:
    """Parsed fields of a 006 token (see :func:`tokens.parse_token`)."""
    return decode(token)[0]


def _uid_str_for_verify(account: int | str) -> str:
    # Unlike the builders, verification accepts "" (RTM 006 tokens are signed with the empty uid)
    # and skips the naming rules: it only has to reproduce what was signed.
    if isinstance(account, str):
        return account
    return account_to_uid_str(account)


def verify(token: str, app_certificate: str, channel: str, account: int | str) -> bool:
    """True when the 006 token is well formed, is for ``channel``/``account`` and is signed with the certificate."""
    try:
        fields, signature, message = decode(token)
        check_certificate(app_certificate)
        uid_str = _uid_str_for_verify(account)
        if not isinstance(channel, str):
            return False
        channel_bytes = channel.encode("utf-8")
        uid_bytes = uid_str.encode("utf-8")
    except (ValueError, UnicodeEncodeError):
        return False
    # The CRCs are not covered by the signature, so they are checked separately: otherwise a token
    # with altered CRC fields would still verify.
    crc_ok = zlib.crc32(channel_bytes) == fields["crc_channel"] and zlib.crc32(uid_bytes) == fields["crc_uid"]
    expected = sign(app_certificate, fields["app_id"], channel, uid_str, message)
    return hmac.compare_digest(expected, signature) and crc_ok
