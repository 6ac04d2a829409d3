"""AccessToken2, version "007": build, parse and verify.

Layout (TOKENS.md)::

    token        = "007" + base64(zlib(string(signature) + signing_info))
    signing_info = string(app_id) + uint32(issue_ts) + uint32(expire) + uint32(salt)
                   + uint16(count) + services sorted by type
    k1           = HMAC_SHA256(key=uint32(issue_ts), msg=app_certificate)
    k2           = HMAC_SHA256(key=uint32(salt), msg=k1)
    signature    = HMAC_SHA256(key=k2, msg=signing_info)
"""

from __future__ import annotations

import base64
import hmac
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

from .codec import b64decode_strict, inflate
from .packing import Reader, pack_bytes, pack_string, pack_uint16, pack_uint32
from .services import RTC, RTM, is_service_type, pack_service, unpack_service
from .validation import (
    account_to_uid_str,
    check_app_id,
    check_certificate,
    check_channel,
    check_expire,
    check_user_id,
    resolve_issue_ts,
    resolve_salt,
    role_privileges,
)

VERSION = "007"
SIGNATURE_BYTES = 32  # HMAC-SHA256


def _signing_key(app_certificate: str, issue_ts: int, salt: int) -> bytes:
    # Fixed by the format: the key is derived per token from its issue time and salt, so the signing
    # key differs between tokens even for the same certificate.
    k1 = hmac.digest(pack_uint32(issue_ts), app_certificate.encode("utf-8"), "sha256")
    return hmac.digest(pack_uint32(salt), k1, "sha256")


def sign(app_certificate: str, issue_ts: int, salt: int, signing_info: bytes) -> bytes:
    """The 007 signature over ``signing_info``."""
    # hmac.digest is the one-shot C path: same result as hmac.new(...).digest(), markedly faster.
    return hmac.digest(_signing_key(app_certificate, issue_ts, salt), signing_info, "sha256")


def build_token2(
    app_id: str,
    app_certificate: str,
    services: Iterable[Mapping[str, Any]],
    *,
    expire: int,
    issue_ts: int | None = None,
    salt: int | None = None,
) -> str:
    """Build a 007 token from service dicts (shape as in :mod:`tokens.services`).

    Low-level: only structural checks are made on service fields (the public builders add Agora's naming
    rules). Services are sorted by type; repeated types are kept in the given order.
    """
    expire = check_expire(expire)
    services = list(services)
    for service in services:
        if not isinstance(service, Mapping) or not is_service_type(service.get("type")):
            raise ValueError(f"unknown service type in {service!r}")
    ordered = sorted(services, key=lambda service: service["type"])  # stable: repeats keep their order
    if not ordered:
        raise ValueError("a token needs at least one service")
    return _seal(app_id, app_certificate, expire, issue_ts, salt, [pack_service(service) for service in ordered])


def _seal(app_id: str, app_certificate: str, expire: int, issue_ts: int | None, salt: int | None,
          packed_services: list[bytes]) -> str:
    """Sign and encode packed services; the caller has checked everything but the app id and certificate."""
    check_app_id(app_id)
    check_certificate(app_certificate)
    issue_ts = resolve_issue_ts(issue_ts)
    salt = resolve_salt(salt)
    signing_info = b"".join(
        [
            pack_string(app_id),
            pack_uint32(issue_ts),
            pack_uint32(expire),
            pack_uint32(salt),
            pack_uint16(len(packed_services)),
            *packed_services,
        ]
    )
    signature = sign(app_certificate, issue_ts, salt, signing_info)
    # zlib at the default level is what reproduces the reference strings byte for byte.
    return VERSION + base64.b64encode(zlib.compress(pack_bytes(signature) + signing_info)).decode("ascii")


def build_rtc_token(
    app_id: str,
    app_certificate: str,
    channel: str,
    account: int | str,
    *,
    role: str = "publisher",
    expire: int = 3600,
    issue_ts: int | None = None,
    salt: int | None = None,
) -> str:
    """007 RTC token; every privilege of ``role`` lasts ``expire`` seconds from ``issue_ts``.

    ``account`` is an int uid (0 = any uid) or a str user account; uid N and account "N" give the same token.
    """
    privileges = role_privileges(role)
    expire = check_expire(expire)
    service = {
        "type": RTC,
        "privileges": dict.fromkeys(privileges, expire),
        "channel": check_channel(channel),
        "uid": account_to_uid_str(account),
    }
    return _seal(app_id, app_certificate, expire, issue_ts, salt, [pack_service(service)])


def build_rtm_token(
    app_id: str,
    app_certificate: str,
    user_id: str,
    *,
    expire: int = 3600,
    issue_ts: int | None = None,
    salt: int | None = None,
) -> str:
    """007 RTM token granting login (privilege 1) for ``expire`` seconds from ``issue_ts``."""
    expire = check_expire(expire)
    service = {"type": RTM, "privileges": {1: expire}, "user_id": check_user_id(user_id)}
    return _seal(app_id, app_certificate, expire, issue_ts, salt, [pack_service(service)])


def decode(token: str) -> tuple[dict[str, Any], bytes, bytes]:
    """Split a 007 token into (fields, signature, signing_info); ``ValueError`` if malformed."""
    if not isinstance(token, str) or not token.startswith(VERSION):
        raise ValueError('not a 007 token: expected a str starting with "007"')
    content = inflate(b64decode_strict(token[len(VERSION):]))
    reader = Reader(content)
    signature = reader.blob("signature")
    if len(signature) != SIGNATURE_BYTES:
        raise ValueError(f"malformed token: signature is {len(signature)} bytes, expected {SIGNATURE_BYTES}")
    signing_info = content[2 + SIGNATURE_BYTES:]
    app_id = reader.string("app id")
    try:
        check_app_id(app_id)
    except ValueError as exc:
        raise ValueError(f"malformed token: {exc}") from None
    fields: dict[str, Any] = {
        "version": VERSION,
        "app_id": app_id,
        "issue_ts": reader.uint32("issue_ts"),
        "expire": reader.uint32("expire"),
        "salt": reader.uint32("salt"),
        "signature": signature.hex(),
    }
    count = reader.uint16("service count")
    fields["services"] = [unpack_service(reader) for _ in range(count)]
    reader.expect_end("the last service")
    return fields, signature, signing_info


def parse(token: str) -> dict[str, Any]:
    """Parsed fields of a 007 token (see :func:`tokens.parse_token`)."""
    return decode(token)[0]


def verify(token: str, app_certificate: str) -> bool:
    """True when the 007 token is well formed and signed with ``app_certificate``."""
    try:
        fields, signature, signing_info = decode(token)
        check_certificate(app_certificate)
    except ValueError:
        return False
    expected = sign(app_certificate, fields["issue_ts"], fields["salt"], signing_info)
    return hmac.compare_digest(expected, signature)
