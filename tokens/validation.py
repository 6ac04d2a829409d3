"""Input checks for the public builders.

The reference implementation returns an empty string for bad input and gives no reason; every check
here raises ``ValueError`` with a message that names the offending argument instead. Wrong *types* raise
``ValueError`` too (hence the ``noqa: TRY004`` marks in this package): the API promises callers a single
exception type for every bad input, so one ``except ValueError`` covers them all.
"""

from __future__ import annotations

import secrets
import string
import time

from .packing import UINT32_MAX

# Agora's documented character set for channel names and user accounts / RTM user ids.
ALLOWED_NAME_CHARS = frozenset(string.ascii_letters + string.digits + " !#$%&()+-:;<=.>?@[]^_{}|~,")

# Channel names and RTM user ids: Agora's docs say "less than 64 bytes" in some places and "up to 64" in
# others; we accept 64 and reject anything longer, so no name Agora accepts is refused here.
MAX_NAME_BYTES = 64
# RTC user accounts: the reference documents "max length is 255 bytes".
MAX_ACCOUNT_BYTES = 255

ROLE_PRIVILEGES_PUBLISHER = (1, 2, 3, 4)
ROLE_PRIVILEGES_SUBSCRIBER = (1,)
_ROLES = {"publisher": ROLE_PRIVILEGES_PUBLISHER, "subscriber": ROLE_PRIVILEGES_SUBSCRIBER}

_HEX = frozenset("0123456789abcdefABCDEF")

# Every vector in vectors.json passes these rules unchanged, so none had to be relaxed.


def _is_int(value: object) -> bool:
    # bool is an int subclass, but True as a uid or a timestamp is always a bug.
    return isinstance(value, int) and not isinstance(value, bool)


def check_hex32(value: object, what: str) -> str:
    """App ids and certificates are 32 hex characters (the reference's ``is_uuid`` check)."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a str of 32 hex characters, got {type(value).__name__}")
    if len(value) != 32:
        raise ValueError(f"{what} must be 32 hex characters, got {len(value)}")
    if not _HEX.issuperset(value):
        raise ValueError(f"{what} must be 32 hex characters, found a non-hex character")
    return value


def check_app_id(value: object) -> str:
    return check_hex32(value, "app id")


def check_certificate(value: object) -> str:
    return check_hex32(value, "app certificate")


def check_name(value: object, what: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A channel name, RTM user id or user account: non-empty, bounded, in Agora's character set."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a str, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{what} must not be empty")
    if not ALLOWED_NAME_CHARS.issuperset(value):
        bad = next(ch for ch in value if ch not in ALLOWED_NAME_CHARS)
        raise ValueError(f"{what} contains a character Agora does not allow: {bad!r}")
    # Only ASCII passes the character check, so len() is already the UTF-8 byte length.
    if len(value) > max_bytes:
        raise ValueError(f"{what} is {len(value)} bytes, more than the {max_bytes} allowed")
    return value


def check_channel(value: object) -> str:
    return check_name(value, "channel name")


def check_user_id(value: object) -> str:
    """RTM user id: as a channel name, and additionally not the literal "null" (Agora rejects it)."""
    user_id = check_name(value, "user id")
    if user_id == "null":
        raise ValueError('user id must not be "null"')
    return user_id


def account_to_uid_str(account: object) -> str:
    """The RTC uid as packed in a token.

    int 0 means "any uid" and is packed as "" exactly like the reference; any other int N is packed
    as str(N), so uid N and account "N" give identical tokens. The string "0" stays "0".
    """
    if _is_int(account):
        if not 0 <= account <= UINT32_MAX:  # type: ignore[operator]
            raise ValueError(f"uid must be between 0 and 2**32-1, got {account}")
        return "" if account == 0 else str(account)
    if isinstance(account, str):
        if not account:
            raise ValueError('account must not be empty (use the int uid 0 for "any uid")')
        return check_name(account, "account", MAX_ACCOUNT_BYTES)
    raise ValueError(f"account must be an int uid or a str user account, got {type(account).__name__}")


def role_privileges(role: object) -> tuple[int, ...]:
    """Privilege ids granted by a role name."""
    if not isinstance(role, str) or role not in _ROLES:
        raise ValueError(f'role must be "publisher" or "subscriber", got {role!r}')
    return _ROLES[role]


def check_uint32(value: object, what: str, *, positive: bool = False) -> int:
    """A value stored as uint32 (timestamps, salts, expiries)."""
    if not _is_int(value):
        raise ValueError(f"{what} must be an int, got {type(value).__name__}")
    low = 1 if positive else 0
    if value < low:  # type: ignore[operator]
        raise ValueError(f"{what} must be {'positive' if positive else 'non-negative'}, got {value}")
    if value > UINT32_MAX:  # type: ignore[operator]
        raise ValueError(f"{what} must fit in 32 bits (at most {UINT32_MAX}), got {value}")
    return value  # type: ignore[return-value]


def check_expire(value: object, what: str = "expire") -> int:
    return check_uint32(value, what, positive=True)


def resolve_salt(salt: object) -> int:
    """Given salt, or a random one in 1..99999999 like the reference."""
    if salt is None:
        return secrets.randbelow(99_999_999) + 1
    return check_uint32(salt, "salt")


def resolve_issue_ts(issue_ts: object) -> int:
    """007 issue time: given, or now."""
    if issue_ts is None:
        return int(time.time())
    return check_uint32(issue_ts, "issue_ts")


def resolve_ts_006(ts: object) -> int:
    """006 ``ts``: given, or now + 24 h as the reference builders set it."""
    if ts is None:
        return int(time.time()) + 24 * 3600
    return check_uint32(ts, "ts")
