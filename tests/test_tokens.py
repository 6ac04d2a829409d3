"""Tests for tokens/: official vectors, round trips, tamper detection and input validation."""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from tokens import (
    build_rtc_token,
    build_rtc_token_006,
    build_rtm_token,
    build_rtm_token_006,
    parse_token,
    verify_token,
)
from tokens.access_token2 import build_token2

VECTORS_PATH = Path(__file__).resolve().parents[2] / "shared" / "agora" / "vectors.json"

APP_ID = "970CA35de60c44645bbae8a215061b33"
CERT = "5CFd2fd1755d40ecb72977518be15d3b"
OTHER_CERT = "5CFd2fd1755d40ecb72977518be15d3c"
CHANNEL = "7d72365eb983485397e3e3f9d460bdda"
UID = 2882341273


def _load_vectors() -> list[dict[str, Any]] | None:
    try:
        return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["vectors"]
    except FileNotFoundError:
        return None


VECTORS = _load_vectors()
MISSING_MESSAGE = f"official token vectors not found at {VECTORS_PATH} (shared/ must sit beside the repo)"


def _vector_params(fmt: str) -> list[Any]:
    # A missing file must fail, not skip: an empty parametrize would quietly skip every vector test.
    if VECTORS is None:
        return [pytest.param(None, id="vectors-missing")]
    return [pytest.param(v, id=v["id"]) for v in VECTORS if v["format"] == fmt]


def _need(vector: dict[str, Any] | None) -> dict[str, Any]:
    if vector is None:
        pytest.fail(MISSING_MESSAGE)
    return vector


def _inflate_007(token: str) -> bytes:
    assert token.startswith("007")
    return zlib.decompress(base64.b64decode(token[3:]))


def _encode_007(content: bytes) -> str:
    return "007" + base64.b64encode(zlib.compress(content)).decode()


def _vector_services(vector: dict[str, Any]) -> list[dict[str, Any]]:
    """Vector services in the dict shape tokens uses (int keys, lowercase names)."""
    services = []
    for raw in vector["services"]:
        service = dict(raw)
        service["name"] = raw["name"].lower()
        service["privileges"] = {int(k): v for k, v in raw["privileges"].items()}
        if "permissions" in raw:
            service["permissions"] = {
                int(resource): {int(perm): list(items) for perm, items in by_perm.items()}
                for resource, by_perm in raw["permissions"].items()
            }
        services.append(service)
    return services


def test_vectors_file_present() -> None:
    if VECTORS is None:
        pytest.fail(MISSING_MESSAGE)
    assert {v["format"] for v in VECTORS} == {"006", "007"}


# --------------------------------------------------------------------------- official vectors: 007


@pytest.mark.parametrize("vector", _vector_params("007"))
def test_vector_007_reproduced(vector: dict[str, Any] | None) -> None:
    vector = _need(vector)
    token = build_token2(
        vector["app_id"],
        vector["app_certificate"],
        _vector_services(vector),
        expire=vector["expire"],
        issue_ts=vector["issue_ts"],
        salt=vector["salt"],
    )
    if vector["exact"]:
        assert token == vector["expected"]
    else:
        # Another zlib compressed the same payload differently: compare what was compressed.
        assert _inflate_007(token) == _inflate_007(vector["expected"])
    assert verify_token(vector["expected"], vector["app_certificate"]) is True
    assert verify_token(vector["expected"], OTHER_CERT) is False


@pytest.mark.parametrize("vector", _vector_params("007"))
def test_vector_007_parsed(vector: dict[str, Any] | None) -> None:
    vector = _need(vector)
    parsed = parse_token(vector["expected"])
    assert parsed["version"] == "007"
    assert parsed["app_id"] == vector["app_id"]
    assert parsed["issue_ts"] == vector["issue_ts"]
    assert parsed["expire"] == vector["expire"]
    assert parsed["salt"] == vector["salt"]
    assert len(bytes.fromhex(parsed["signature"])) == 32
    assert parsed["services"] == _vector_services(vector)


def _public_builder_for(vector: dict[str, Any]) -> list[str]:
    """Tokens from the public builders for vectors they can express (one RTC or one RTM service)."""
    services = _vector_services(vector)
    if len(services) != 1:
        return []
    (service,) = services
    expire, privileges = vector["expire"], service["privileges"]
    if set(privileges.values()) != {expire}:
        return []
    common = {"expire": expire, "issue_ts": vector["issue_ts"], "salt": vector["salt"]}
    if service["type"] == 1 and sorted(privileges) in ([1], [1, 2, 3, 4]):
        role = "subscriber" if sorted(privileges) == [1] else "publisher"
        accounts: list[int | str] = [0] if service["uid"] == "" else [service["uid"], int(service["uid"])]
        builder_input = vector.get("builder_input", {})
        if "uid" in builder_input:
            accounts.append(builder_input["uid"])
        if "account" in builder_input:
            accounts.append(builder_input["account"])
        return [
            build_rtc_token(vector["app_id"], vector["app_certificate"], service["channel"], a, role=role, **common)
            for a in accounts
        ]
    if service["type"] == 2 and list(privileges) == [1]:
        return [build_rtm_token(vector["app_id"], vector["app_certificate"], service["user_id"], **common)]
    return []


def test_public_007_builders_cover_vectors() -> None:
    if VECTORS is None:
        pytest.fail(MISSING_MESSAGE)
    covered = {v["id"] for v in VECTORS if v["format"] == "007" and _public_builder_for(v)}
    assert {"007-rtc-uid-join", "007-rtc-account-join", "007-rtc-uid0-join", "007-rtm-test_user"} <= covered


@pytest.mark.parametrize("vector", _vector_params("007"))
def test_vector_007_public_builders(vector: dict[str, Any] | None) -> None:
    vector = _need(vector)
    for token in _public_builder_for(vector):
        assert token == vector["expected"]


# --------------------------------------------------------------------------- official vectors: 006


def _build_006_from_vector(vector: dict[str, Any]) -> str:
    privileges = {int(k): v for k, v in vector["privileges"].items()}
    (expire_ts,) = set(privileges.values())
    common = {"privilege_expire_ts": expire_ts, "ts": vector["ts"], "salt": vector["salt"]}
    if list(privileges) == [1000]:
        assert vector["uid"] == ""
        return build_rtm_token_006(vector["app_id"], vector["app_certificate"], vector["channel_name"], **common)
    role = "subscriber" if sorted(privileges) == [1] else "publisher"
    assert sorted(privileges) in ([1], [1, 2, 3, 4])
    return build_rtc_token_006(
        vector["app_id"], vector["app_certificate"], vector["channel_name"], vector["uid"], role=role, **common
    )


@pytest.mark.parametrize("vector", _vector_params("006"))
def test_vector_006_reproduced(vector: dict[str, Any] | None) -> None:
    vector = _need(vector)
    assert vector["exact"], "006 tokens are not compressed, so every 006 vector must be exact"
    assert _build_006_from_vector(vector) == vector["expected"]
    cert, channel, uid = vector["app_certificate"], vector["channel_name"], vector["uid"]
    assert verify_token(vector["expected"], cert, channel=channel, account=uid) is True
    assert verify_token(vector["expected"], OTHER_CERT, channel=channel, account=uid) is False
    assert verify_token(vector["expected"], cert, channel=channel + "x", account=uid) is False
    assert verify_token(vector["expected"], cert, channel=channel, account="someone-else") is False


@pytest.mark.parametrize("vector", _vector_params("006"))
def test_vector_006_parsed(vector: dict[str, Any] | None) -> None:
    vector = _need(vector)
    parsed = parse_token(vector["expected"])
    uid_str = "" if vector["uid"] == 0 else str(vector["uid"])
    assert parsed == {
        "version": "006",
        "app_id": vector["app_id"],
        "ts": vector["ts"],
        "salt": vector["salt"],
        "privileges": {int(k): v for k, v in vector["privileges"].items()},
        "crc_channel": zlib.crc32(vector["channel_name"].encode()),
        "crc_uid": zlib.crc32(uid_str.encode()),
        "signature": parsed["signature"],
    }
    assert len(bytes.fromhex(parsed["signature"])) == 32


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(("role", "privs"), [("publisher", [1, 2, 3, 4]), ("subscriber", [1])])
@pytest.mark.parametrize("account", [UID, str(UID), 0, "0", "alice@example.com", 1, 2**32 - 1])
def test_rtc_007_round_trip(role: str, privs: list[int], account: int | str) -> None:
    token = build_rtc_token(APP_ID, CERT, "room 1", account, role=role, expire=900, issue_ts=1_700_000_000, salt=42)
    parsed = parse_token(token)
    assert (parsed["version"], parsed["app_id"], parsed["issue_ts"], parsed["expire"], parsed["salt"]) == (
        "007",
        APP_ID,
        1_700_000_000,
        900,
        42,
    )
    expected_uid = "" if account == 0 else str(account)
    assert parsed["services"] == [
        {"type": 1, "name": "rtc", "privileges": dict.fromkeys(privs, 900), "channel": "room 1", "uid": expected_uid}
    ]
    assert verify_token(token, CERT) is True
    assert verify_token(token, OTHER_CERT) is False


def test_rtm_007_round_trip() -> None:
    token = build_rtm_token(APP_ID, CERT, "user_7", expire=120, issue_ts=1_600_000_000, salt=99_999_999)
    parsed = parse_token(token)
    assert parsed["issue_ts"] == 1_600_000_000 and parsed["expire"] == 120 and parsed["salt"] == 99_999_999
    assert parsed["services"] == [{"type": 2, "name": "rtm", "privileges": {1: 120}, "user_id": "user_7"}]
    assert verify_token(token, CERT) is True
    assert verify_token(token, OTHER_CERT) is False


@pytest.mark.parametrize(("role", "privs"), [("publisher", [1, 2, 3, 4]), ("subscriber", [1])])
@pytest.mark.parametrize("account", [UID, str(UID), 0, "0", "alice"])
def test_rtc_006_round_trip(role: str, privs: list[int], account: int | str) -> None:
    token = build_rtc_token_006(
        APP_ID, CERT, CHANNEL, account, role=role, privilege_expire_ts=1_900_000_000, ts=1_800_000_000, salt=7
    )
    parsed = parse_token(token)
    uid_str = "" if account == 0 else str(account)
    assert parsed["version"] == "006" and parsed["app_id"] == APP_ID
    assert parsed["ts"] == 1_800_000_000 and parsed["salt"] == 7
    assert parsed["privileges"] == dict.fromkeys(privs, 1_900_000_000)
    assert parsed["crc_channel"] == zlib.crc32(CHANNEL.encode())
    assert parsed["crc_uid"] == zlib.crc32(uid_str.encode())
    assert verify_token(token, CERT, channel=CHANNEL, account=account) is True
    assert verify_token(token, OTHER_CERT, channel=CHANNEL, account=account) is False


def test_rtm_006_round_trip() -> None:
    token = build_rtm_token_006(APP_ID, CERT, "bob", privilege_expire_ts=2_000_000_000, ts=1_000, salt=3)
    parsed = parse_token(token)
    assert parsed["privileges"] == {1000: 2_000_000_000}
    assert parsed["crc_uid"] == zlib.crc32(b"")
    assert verify_token(token, CERT, channel="bob", account=0) is True
    assert verify_token(token, CERT, channel="bob", account="") is True
    assert verify_token(token, CERT, channel="bob", account="bob") is False


def test_defaults_use_now_and_random_salt() -> None:
    before = int(time.time())
    parsed = parse_token(build_rtc_token(APP_ID, CERT, CHANNEL, UID))
    after = int(time.time())
    assert before <= parsed["issue_ts"] <= after
    assert parsed["expire"] == 3600
    assert parsed["services"][0]["privileges"] == dict.fromkeys([1, 2, 3, 4], 3600)
    assert 1 <= parsed["salt"] <= 99_999_999
    salts = {parse_token(build_rtm_token(APP_ID, CERT, "u"))["salt"] for _ in range(20)}
    assert len(salts) > 1, "salt must be random"
    parsed = parse_token(build_rtc_token_006(APP_ID, CERT, CHANNEL, UID, privilege_expire_ts=before + 60))
    assert before + 86400 <= parsed["ts"] <= int(time.time()) + 86400
    assert 1 <= parsed["salt"] <= 99_999_999


# --------------------------------------------------------------------------- uid / account equivalence


def test_int_uid_and_string_account_identical() -> None:
    for n in (1, 7, UID, 2**32 - 1):
        assert build_rtc_token(APP_ID, CERT, CHANNEL, n, issue_ts=1, salt=1) == build_rtc_token(
            APP_ID, CERT, CHANNEL, str(n), issue_ts=1, salt=1
        )
        assert build_rtc_token_006(APP_ID, CERT, CHANNEL, n, privilege_expire_ts=5, ts=1, salt=1) == (
            build_rtc_token_006(APP_ID, CERT, CHANNEL, str(n), privilege_expire_ts=5, ts=1, salt=1)
        )


def test_uid_zero_is_empty_but_string_zero_stays() -> None:
    zero = parse_token(build_rtc_token(APP_ID, CERT, CHANNEL, 0, issue_ts=1, salt=1))
    zero_str = parse_token(build_rtc_token(APP_ID, CERT, CHANNEL, "0", issue_ts=1, salt=1))
    assert zero["services"][0]["uid"] == ""
    assert zero_str["services"][0]["uid"] == "0"
    t0 = parse_token(build_rtc_token_006(APP_ID, CERT, CHANNEL, 0, privilege_expire_ts=5, ts=1, salt=1))
    t0s = parse_token(build_rtc_token_006(APP_ID, CERT, CHANNEL, "0", privilege_expire_ts=5, ts=1, salt=1))
    assert t0["crc_uid"] == zlib.crc32(b"") and t0s["crc_uid"] == zlib.crc32(b"0")


# --------------------------------------------------------------------------- tamper detection


def _sample_007_tokens() -> list[str]:
    return [
        build_rtc_token(APP_ID, CERT, CHANNEL, UID, issue_ts=1_111_111, salt=1, expire=600),
        build_rtc_token(APP_ID, CERT, "a", 0, role="subscriber", issue_ts=5, salt=2, expire=1),
        build_rtm_token(APP_ID, CERT, "test_user", issue_ts=1_111_111, salt=1, expire=600),
        build_token2(
            APP_ID,
            CERT,
            [
                {"type": 7, "privileges": {1: 600}, "room_uuid": "123", "user_uuid": "u", "role": 1},
                {"type": 8, "privileges": {1: 600}, "user_id": "x", "permissions": {0: {1: ["c"]}}},
                {"type": 4, "privileges": {1: 600}},
            ],
            expire=600,
            issue_ts=1,
            salt=1,
        ),
    ]


@pytest.mark.parametrize("token", _sample_007_tokens())
def test_007_every_flipped_content_byte_fails(token: str) -> None:
    assert verify_token(token, CERT)
    content = _inflate_007(token)
    for index in range(len(content)):
        for mask in (0x01, 0x80, 0xFF):
            mutated = bytearray(content)
            mutated[index] ^= mask
            assert verify_token(_encode_007(bytes(mutated)), CERT) is False, (index, mask)


def _sample_006_tokens() -> list[tuple[str, str, int | str]]:
    return [
        (build_rtc_token_006(APP_ID, CERT, CHANNEL, UID, privilege_expire_ts=1446455471, ts=1, salt=1), CHANNEL, UID),
        (build_rtc_token_006(APP_ID, CERT, "c", 0, role="subscriber", privilege_expire_ts=9, ts=1, salt=2), "c", 0),
        (build_rtm_token_006(APP_ID, CERT, "test_user", privilege_expire_ts=1446455471, ts=1, salt=1), "test_user", ""),
    ]


@pytest.mark.parametrize(("token", "channel", "account"), _sample_006_tokens())
def test_006_every_flipped_content_byte_fails(token: str, channel: str, account: int | str) -> None:
    assert verify_token(token, CERT, channel=channel, account=account)
    prefix, raw = token[:35], base64.b64decode(token[35:])
    for index in range(len(raw)):
        for mask in (0x01, 0x80, 0xFF):
            mutated = bytearray(raw)
            mutated[index] ^= mask
            forged = prefix + base64.b64encode(bytes(mutated)).decode()
            assert verify_token(forged, CERT, channel=channel, account=account) is False, (index, mask)


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def _char_flips(token: str) -> list[tuple[int, str]]:
    """Every position with three replacements: neighbours in the base64 alphabet and a fixed odd one."""
    flips = []
    for index, char in enumerate(token):
        pos = _B64.find(char)
        for replacement in {_B64[(pos + 1) % 64], _B64[(pos + 32) % 64], "A" if char != "A" else "B"}:
            if replacement != char:
                flips.append((index, token[:index] + replacement + token[index + 1:]))
    return flips


@pytest.mark.parametrize(("token", "channel", "account"), _sample_006_tokens())
def test_006_every_flipped_character_fails(token: str, channel: str, account: int | str) -> None:
    for index, forged in _char_flips(token):
        assert verify_token(forged, CERT, channel=channel, account=account) is False, index


@pytest.mark.parametrize("token", _sample_007_tokens())
def test_007_every_flipped_character_fails(token: str) -> None:
    original = _inflate_007(token)
    for index, forged in _char_flips(token):
        if not verify_token(forged, CERT):
            continue
        # The one way a changed string can still verify: the bits after deflate's end-of-block code in
        # the last byte are padding every inflater ignores, so the signed content is unchanged.
        assert _inflate_007(forged) == original, index
        assert index >= len(token) - 12, index


def test_007_truncations_fail() -> None:
    token = _sample_007_tokens()[0]
    for cut in range(len(token)):
        assert verify_token(token[:cut], CERT) is False


# --------------------------------------------------------------------------- bad input


BAD_INPUTS = [
    ("app id 31 chars", lambda: build_rtc_token(APP_ID[:-1], CERT, CHANNEL, UID), "app id"),
    ("app id 33 chars", lambda: build_rtm_token(APP_ID + "0", CERT, "u"), "app id"),
    ("app id non-hex", lambda: build_rtc_token("g" + APP_ID[1:], CERT, CHANNEL, UID), "app id"),
    ("app id not str", lambda: build_rtc_token(None, CERT, CHANNEL, UID), "app id"),
    ("app id 006", lambda: build_rtc_token_006(APP_ID[:-1], CERT, CHANNEL, UID, privilege_expire_ts=5), "app id"),
    ("cert short", lambda: build_rtc_token(APP_ID, CERT[:-1], CHANNEL, UID), "certificate"),
    ("cert non-hex", lambda: build_rtm_token(APP_ID, "z" * 32, "u"), "certificate"),
    ("cert 006", lambda: build_rtm_token_006(APP_ID, CERT + "a", "u", privilege_expire_ts=5), "certificate"),
    ("empty channel", lambda: build_rtc_token(APP_ID, CERT, "", UID), "channel name must not be empty"),
    ("empty channel 006", lambda: build_rtc_token_006(APP_ID, CERT, "", UID, privilege_expire_ts=5), "channel"),
    ("65-byte channel", lambda: build_rtc_token(APP_ID, CERT, "c" * 65, UID), "channel name is 65 bytes"),
    ("slash in channel", lambda: build_rtc_token(APP_ID, CERT, "a/b", UID), "channel name contains"),
    ("unicode channel", lambda: build_rtc_token(APP_ID, CERT, "caf\u00e9", UID), "channel name contains"),
    ("channel not str", lambda: build_rtc_token(APP_ID, CERT, 5, UID), "channel name must be a str"),
    ("newline channel", lambda: build_rtc_token_006(APP_ID, CERT, "a\n", UID, privilege_expire_ts=5), "channel"),
    ("zero expire", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, expire=0), "expire must be positive"),
    ("negative expire", lambda: build_rtm_token(APP_ID, CERT, "u", expire=-5), "expire must be positive"),
    ("zero expire ts 006", lambda: build_rtc_token_006(APP_ID, CERT, "c", 1, privilege_expire_ts=0), "privilege_exp"),
    ("neg expire ts rtm006", lambda: build_rtm_token_006(APP_ID, CERT, "u", privilege_expire_ts=-1), "privilege_exp"),
    ("huge expire", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, expire=2**32), "expire must fit"),
    ("float expire", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, expire=1.5), "expire must be an int"),
    ("role admin", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, role="admin"), "role"),
    ("role admin 006", lambda: build_rtc_token_006(APP_ID, CERT, "c", 1, role="admin", privilege_expire_ts=5), "role"),
    ("role int", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, role=1), "role"),
    ("uid -1", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, -1), "uid"),
    ("uid 2**32", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, 2**32), "uid"),
    ("uid -1 006", lambda: build_rtc_token_006(APP_ID, CERT, CHANNEL, -1, privilege_expire_ts=5), "uid"),
    ("uid bool", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, True), "account must be an int uid or a str"),
    ("uid float", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, 1.0), "account must be an int uid or a str"),
    ("empty account", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, ""), "account must not be empty"),
    ("account slash", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, "a/b"), "account contains"),
    ("account 256 bytes", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, "a" * 256), "account is 256 bytes"),
    ("empty user id", lambda: build_rtm_token(APP_ID, CERT, ""), "user id must not be empty"),
    ("user id null", lambda: build_rtm_token(APP_ID, CERT, "null"), "null"),
    ("user id null 006", lambda: build_rtm_token_006(APP_ID, CERT, "null", privilege_expire_ts=5), "null"),
    ("65-byte user id", lambda: build_rtm_token(APP_ID, CERT, "u" * 65), "user id is 65 bytes"),
    ("user id unicode", lambda: build_rtm_token(APP_ID, CERT, "\u00fcser"), "user id contains"),
    ("user id slash 006", lambda: build_rtm_token_006(APP_ID, CERT, "a/b", privilege_expire_ts=5), "user id"),
    ("salt negative", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, salt=-1), "salt"),
    ("salt huge", lambda: build_rtm_token_006(APP_ID, CERT, "u", privilege_expire_ts=5, salt=2**32), "salt"),
    ("issue_ts negative", lambda: build_rtc_token(APP_ID, CERT, CHANNEL, UID, issue_ts=-1), "issue_ts"),
    ("ts huge 006", lambda: build_rtc_token_006(APP_ID, CERT, "c", 1, privilege_expire_ts=5, ts=2**32), "ts"),
]


@pytest.mark.parametrize(("case", "call", "match"), BAD_INPUTS, ids=[case for case, _, _ in BAD_INPUTS])
def test_bad_input_raises_value_error_naming_problem(case: str, call: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        call()


def test_boundaries_accepted() -> None:
    assert parse_token(build_rtc_token(APP_ID, CERT, "c" * 64, 2**32 - 1))["services"][0]["channel"] == "c" * 64
    every_allowed = "aZ09 !#$%&()+-:;<=.>?@[]^_{}|~,"
    assert parse_token(build_rtm_token(APP_ID, CERT, every_allowed))["services"][0]["user_id"] == every_allowed
    assert parse_token(build_rtc_token(APP_ID, CERT, every_allowed, "a" * 255))["services"][0]["uid"] == "a" * 255
    assert parse_token(build_rtm_token(APP_ID, CERT, "NULL"))  # only the exact "null" is reserved
    assert parse_token(build_rtc_token(APP_ID.lower(), CERT.upper(), CHANNEL, UID, expire=2**32 - 1))


# --------------------------------------------------------------------------- parse errors


def _valid_content_007() -> bytes:
    return _inflate_007(_sample_007_tokens()[0])


def _with_service_type(content: bytes, new_type: int) -> bytes:
    # signature (2+32) + app id (2+32) + issue_ts, expire, salt (12) + count (2) -> first service type.
    offset = 2 + 32 + 2 + 32 + 12 + 2
    return content[:offset] + struct.pack("<H", new_type) + content[offset + 2:]


MALFORMED = [
    ("none", None, "must be a str"),
    ("bytes", b"007eJw=", "must be a str"),
    ("int", 7, "must be a str"),
    ("empty", "", "006.*007"),
    ("wrong prefix", "008" + _encode_007(b"x")[3:], "006.*007"),
    ("prefix only 007", "007", "zlib"),
    ("prefix only 006", "006", "app id"),
    ("bad base64 char", "007eJ*", "base64"),
    ("base64 missing padding", "007eJw", "base64"),
    ("base64 whitespace", "007eJx TYBBbsMMnKq7p9Hf", "base64"),
    ("base64 non-ascii", "007\u00e9\u00e9\u00e9\u00e9", "non-ASCII"),
    ("non-canonical base64", "007" + base64.b64encode(b"ab").decode()[:-2] + "j=", "non-canonical"),
    ("not zlib", "007" + base64.b64encode(b"hello world!").decode(), "zlib"),
    ("zlib truncated", "007" + base64.b64encode(zlib.compress(b"x" * 100)[:-3]).decode(), "truncated zlib"),
    ("zlib trailing", "007" + base64.b64encode(zlib.compress(b"x") + b"\x00").decode(), "trailing"),
    ("content trailing", _encode_007(_valid_content_007() + b"\x00"), "trailing"),
    ("content truncated", _encode_007(_valid_content_007()[:-1]), "truncated token"),
    ("content cut early", _encode_007(_valid_content_007()[:40]), "truncated token"),
    ("length past end", _encode_007(b"\xff\xff" + b"\x00" * 10), "truncated token"),
    ("short signature", _encode_007(b"\x02\x00ab"), "signature"),
    ("unknown service 9", _encode_007(_with_service_type(_valid_content_007(), 9)), "unknown service type 9"),
    ("unknown service 0", _encode_007(_with_service_type(_valid_content_007(), 0)), "unknown service type 0"),
    ("006 short app id", "006" + APP_ID[:10], "app id"),
    ("006 non-hex app id", "006" + "x" * 32 + "AAAA", "app id"),
    ("006 bad base64", "006" + APP_ID + "@@@@", "base64"),
    ("006 empty content", "006" + APP_ID, "truncated token"),
    (
        "006 trailing",
        "006" + APP_ID + base64.b64encode(base64.b64decode(_sample_006_tokens()[0][0][35:]) + b"\x00").decode(),
        "trailing",
    ),
    ("006 truncated", "006" + APP_ID + base64.b64encode(b"\x20\x00" + b"s" * 32 + b"\x00").decode(), "truncated"),
]


@pytest.mark.parametrize(("case", "token", "match"), MALFORMED, ids=[case for case, _, _ in MALFORMED])
def test_parse_rejects_malformed(case: str, token: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        parse_token(token)
    assert verify_token(token, CERT, channel=CHANNEL, account=UID) is False


def test_verify_false_for_malformed_inputs() -> None:
    token = _sample_007_tokens()[0]
    assert verify_token(None, CERT) is False  # type: ignore[arg-type]
    assert verify_token("", CERT) is False
    assert verify_token("garbage", CERT) is False
    assert verify_token(token, "not a certificate") is False
    assert verify_token(token, None) is False  # type: ignore[arg-type]
    assert verify_token(token + "=", CERT) is False
    assert verify_token(" " + token, CERT) is False


def test_verify_006_needs_channel_and_account() -> None:
    token, channel, account = _sample_006_tokens()[0]
    with pytest.raises(ValueError, match="channel and account"):
        verify_token(token, CERT)
    with pytest.raises(ValueError, match="needs account"):
        verify_token(token, CERT, channel=channel)
    with pytest.raises(ValueError, match="needs channel"):
        verify_token(token, CERT, account=account)
    assert verify_token(token, CERT, channel=channel, account=account) is True
    assert verify_token(token, CERT, channel=channel, account=str(account)) is True
    assert verify_token(token, CERT, channel=channel, account=-1) is False
    assert verify_token(token, CERT, channel=channel, account=True) is False  # type: ignore[arg-type]
    assert verify_token(token, CERT, channel="\ud800", account=account) is False


def test_generic_builder_rejects_bad_services() -> None:
    with pytest.raises(ValueError, match="at least one service"):
        build_token2(APP_ID, CERT, [], expire=1, issue_ts=1, salt=1)
    with pytest.raises(ValueError, match="unknown service type"):
        build_token2(APP_ID, CERT, [{"type": 9, "privileges": {}}], expire=1)
    with pytest.raises(ValueError, match="unknown service type"):
        build_token2(APP_ID, CERT, [{"type": "rtc"}], expire=1)
    with pytest.raises(ValueError, match="privileges"):
        build_token2(APP_ID, CERT, [{"type": 4, "privileges": {"1": 5}}], expire=1)
    with pytest.raises(ValueError, match="uint32"):
        build_token2(APP_ID, CERT, [{"type": 4, "privileges": {1: 2**32}}], expire=1)
    with pytest.raises(ValueError, match="int16"):
        build_token2(APP_ID, CERT, [{"type": 7, "privileges": {}, "role": 40000}], expire=1)
    with pytest.raises(ValueError, match="must be a str"):
        build_token2(APP_ID, CERT, [{"type": 2, "privileges": {}, "user_id": 5}], expire=1)
    with pytest.raises(ValueError, match="longer than the format allows"):
        build_token2(APP_ID, CERT, [{"type": 2, "privileges": {}, "user_id": "x" * 70000}], expire=1)
