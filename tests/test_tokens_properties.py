"""Property tests for tokens/: parsing never fails with anything but ValueError; builds round-trip."""

from __future__ import annotations

import base64
import string
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokens import (
    build_rtc_token,
    build_rtc_token_006,
    build_rtm_token,
    build_rtm_token_006,
    parse_token,
    verify_token,
)
from tokens.access_token2 import build_token2

# No example database: the suite must not leave a .hypothesis/ folder in the work tree.
SETTINGS = settings(max_examples=300, deadline=None, database=None)

APP_ID = "970CA35de60c44645bbae8a215061b33"
CERT = "5CFd2fd1755d40ecb72977518be15d3b"

hex32 = st.text(alphabet="0123456789abcdefABCDEF", min_size=32, max_size=32)
name_chars = string.ascii_letters + string.digits + " !#$%&()+-:;<=.>?@[]^_{}|~,"
names = st.text(alphabet=name_chars, min_size=1, max_size=64)
user_ids = names.filter(lambda s: s != "null")
accounts = st.one_of(
    st.integers(min_value=0, max_value=2**32 - 1), st.text(alphabet=name_chars, min_size=1, max_size=255)
)
uint32 = st.integers(min_value=0, max_value=2**32 - 1)
positive_uint32 = st.integers(min_value=1, max_value=2**32 - 1)


def _parse_or_value_error(token: Any) -> dict[str, Any] | None:
    """Parse; a ValueError is fine, any other exception fails the test (by propagating)."""
    try:
        return parse_token(token)
    except ValueError:
        return None


def _verify_never_raises(token: str) -> None:
    assert verify_token(token, CERT, channel="c", account=0) in (True, False)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --------------------------------------------------------------------------- parse_token is total


@SETTINGS
@given(st.text())
def test_parse_arbitrary_text(text: str) -> None:
    _parse_or_value_error(text)
    for prefix in ("006", "007"):
        _parse_or_value_error(prefix + text)
        _verify_never_raises(prefix + text)


@SETTINGS
@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.integers()), st.floats()))
def test_parse_non_str(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_token(value)
    assert verify_token(value, CERT) is False


@SETTINGS
@given(st.binary(max_size=400))
def test_parse_007_arbitrary_bytes(data: bytes) -> None:
    _parse_or_value_error("007" + _b64(data))


@SETTINGS
@given(st.binary(max_size=400))
def test_parse_007_zlib_of_arbitrary_bytes(data: bytes) -> None:
    token = "007" + _b64(zlib.compress(data))
    _parse_or_value_error(token)
    assert verify_token(token, CERT) is False


# Arbitrary bytes rarely get past the signature check; this builds structurally plausible content
# (a 32-byte signature, an app id, then random bytes) so the service parsers get exercised too.
@SETTINGS
@given(
    st.binary(min_size=32, max_size=32),
    uint32,
    uint32,
    uint32,
    st.integers(min_value=0, max_value=12),
    st.binary(max_size=300),
)
def test_parse_007_plausible_content(sig: bytes, ts: int, expire: int, salt: int, count: int, rest: bytes) -> None:
    content = (
        b"\x20\x00" + sig + b"\x20\x00" + APP_ID.encode()
        + ts.to_bytes(4, "little") + expire.to_bytes(4, "little") + salt.to_bytes(4, "little")
        + count.to_bytes(2, "little") + rest
    )
    parsed = _parse_or_value_error("007" + _b64(zlib.compress(content)))
    if parsed is not None:
        assert parsed["app_id"] == APP_ID and len(parsed["services"]) == count


@SETTINGS
@given(st.text(min_size=32, max_size=32), st.binary(max_size=300))
def test_parse_006_arbitrary(app_id: str, data: bytes) -> None:
    token = "006" + app_id + _b64(data)
    _parse_or_value_error(token)
    _verify_never_raises(token)


@SETTINGS
@given(hex32, st.binary(min_size=32, max_size=32), uint32, uint32, st.binary(max_size=120))
def test_parse_006_plausible_content(app_id: str, sig: bytes, crc1: int, crc2: int, message: bytes) -> None:
    content = b"\x20\x00" + sig + crc1.to_bytes(4, "little") + crc2.to_bytes(4, "little")
    content += len(message).to_bytes(2, "little") + message
    parsed = _parse_or_value_error("006" + app_id + _b64(content))
    if parsed is not None:
        assert parsed["crc_channel"] == crc1 and parsed["crc_uid"] == crc2


def _valid_tokens() -> list[str]:
    return [
        build_rtc_token(APP_ID, CERT, "channel", 2882341273, issue_ts=1_111_111, salt=1, expire=600),
        build_rtm_token(APP_ID, CERT, "test_user", issue_ts=1_111_111, salt=1, expire=600),
        build_token2(
            APP_ID,
            CERT,
            [
                {"type": 1, "privileges": {1: 5}, "channel": "c", "uid": "u"},
                {"type": 3, "privileges": {1: 5}, "channel": "c", "account": "a"},
                {"type": 5, "privileges": {2: 5}, "user_id": ""},
                {"type": 7, "privileges": {3: 5}, "room_uuid": "r", "user_uuid": "u", "role": -1},
                {"type": 8, "privileges": {1: 5}, "user_id": "u", "permissions": {0: {0: ["a", "b"]}, 4: {1: []}}},
            ],
            expire=5,
            issue_ts=1,
            salt=1,
        ),
        build_rtc_token_006(APP_ID, CERT, "channel", 2882341273, privilege_expire_ts=1446455471, ts=1, salt=1),
        build_rtm_token_006(APP_ID, CERT, "test_user", privilege_expire_ts=1446455471, ts=1, salt=1),
    ]


VALID_TOKENS = _valid_tokens()


@SETTINGS
@given(st.sampled_from(VALID_TOKENS), st.data())
def test_mutated_and_truncated_tokens(token: str, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(token)))
    _parse_or_value_error(token[:cut])
    _verify_never_raises(token[:cut])
    index = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    replacement = data.draw(st.characters())
    mutated = token[:index] + replacement + token[index + 1:]
    _parse_or_value_error(mutated)
    _verify_never_raises(mutated)
    inserted = token[:index] + data.draw(st.text(max_size=4)) + token[index:]
    _parse_or_value_error(inserted)


@SETTINGS
@given(st.sampled_from([t for t in VALID_TOKENS if t.startswith("007")]), st.data())
def test_mutated_decompressed_content(token: str, data: st.DataObject) -> None:
    content = bytearray(zlib.decompress(base64.b64decode(token[3:])))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        index = data.draw(st.integers(min_value=0, max_value=len(content) - 1))
        content[index] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=0, max_value=len(content)))
    for candidate in (bytes(content), bytes(content[:cut]), bytes(content) + data.draw(st.binary(max_size=8))):
        forged = "007" + _b64(zlib.compress(candidate))
        _parse_or_value_error(forged)
        if candidate != zlib.decompress(base64.b64decode(token[3:])):
            assert verify_token(forged, CERT) is False


@SETTINGS
@given(st.sampled_from([t for t in VALID_TOKENS if t.startswith("006")]), st.data())
def test_mutated_006_content(token: str, data: st.DataObject) -> None:
    raw = bytearray(base64.b64decode(token[35:]))
    index = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    raw[index] ^= data.draw(st.integers(min_value=1, max_value=255))
    forged = token[:35] + _b64(bytes(raw))
    _parse_or_value_error(forged)
    for channel, account in (("channel", 2882341273), ("test_user", 0)):
        assert verify_token(forged, CERT, channel=channel, account=account) is False


# --------------------------------------------------------------------------- build -> parse -> verify


@SETTINGS
@given(
    hex32, hex32, names, accounts, st.sampled_from(["publisher", "subscriber"]), positive_uint32, uint32, uint32
)
def test_rtc_007_round_trip(
    app_id: str, cert: str, channel: str, account: int | str, role: str, expire: int, issue_ts: int, salt: int
) -> None:
    token = build_rtc_token(app_id, cert, channel, account, role=role, expire=expire, issue_ts=issue_ts, salt=salt)
    parsed = parse_token(token)
    assert (parsed["app_id"], parsed["issue_ts"], parsed["expire"], parsed["salt"]) == (app_id, issue_ts, expire, salt)
    privileges = [1, 2, 3, 4] if role == "publisher" else [1]
    assert parsed["services"] == [
        {
            "type": 1,
            "name": "rtc",
            "privileges": dict.fromkeys(privileges, expire),
            "channel": channel,
            "uid": "" if account == 0 else str(account),
        }
    ]
    assert verify_token(token, cert) is True
    assert verify_token(token, cert[:-1] + ("0" if cert[-1] != "0" else "1")) is False
    if isinstance(account, int):
        same = build_rtc_token(app_id, cert, channel, str(account), role=role, expire=expire, issue_ts=issue_ts,
                               salt=salt) if account else token
        assert same == token


@SETTINGS
@given(hex32, hex32, user_ids, positive_uint32, uint32, uint32)
def test_rtm_007_round_trip(app_id: str, cert: str, user_id: str, expire: int, issue_ts: int, salt: int) -> None:
    token = build_rtm_token(app_id, cert, user_id, expire=expire, issue_ts=issue_ts, salt=salt)
    parsed = parse_token(token)
    assert (parsed["app_id"], parsed["issue_ts"], parsed["expire"], parsed["salt"]) == (app_id, issue_ts, expire, salt)
    assert parsed["services"] == [{"type": 2, "name": "rtm", "privileges": {1: expire}, "user_id": user_id}]
    assert verify_token(token, cert) is True


@SETTINGS
@given(
    hex32, hex32, names, accounts, st.sampled_from(["publisher", "subscriber"]), positive_uint32, uint32, uint32
)
def test_rtc_006_round_trip(
    app_id: str, cert: str, channel: str, account: int | str, role: str, expire_ts: int, ts: int, salt: int
) -> None:
    token = build_rtc_token_006(
        app_id, cert, channel, account, role=role, privilege_expire_ts=expire_ts, ts=ts, salt=salt
    )
    parsed = parse_token(token)
    uid_str = "" if account == 0 else str(account)
    assert (parsed["app_id"], parsed["ts"], parsed["salt"]) == (app_id, ts, salt)
    privileges = [1, 2, 3, 4] if role == "publisher" else [1]
    assert parsed["privileges"] == dict.fromkeys(privileges, expire_ts)
    assert parsed["crc_channel"] == zlib.crc32(channel.encode())
    assert parsed["crc_uid"] == zlib.crc32(uid_str.encode())
    assert verify_token(token, cert, channel=channel, account=account) is True
    assert verify_token(token, cert, channel=channel + "x", account=account) is False


@SETTINGS
@given(hex32, hex32, user_ids, positive_uint32, uint32, uint32)
def test_rtm_006_round_trip(app_id: str, cert: str, user_id: str, expire_ts: int, ts: int, salt: int) -> None:
    token = build_rtm_token_006(app_id, cert, user_id, privilege_expire_ts=expire_ts, ts=ts, salt=salt)
    parsed = parse_token(token)
    assert (parsed["app_id"], parsed["ts"], parsed["salt"]) == (app_id, ts, salt)
    assert parsed["privileges"] == {1000: expire_ts}
    assert verify_token(token, cert, channel=user_id, account=0) is True
