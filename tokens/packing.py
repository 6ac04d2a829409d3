"""Little-endian primitives shared by the 006 and 007 formats.

Writers raise ``ValueError`` when a value does not fit its field (the reference would raise
``struct.error`` or silently truncate); ``Reader`` raises ``ValueError`` whenever the buffer runs out,
so that parsing untrusted tokens can only ever fail with ``ValueError``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

# Precompiled structs: token building is a hot path for a token server.
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I16 = struct.Struct("<h")
_U16_U32 = struct.Struct("<HI")

UINT16_MAX = 0xFFFF
UINT32_MAX = 0xFFFFFFFF


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def pack_uint16(value: int) -> bytes:
    """Pack an unsigned 16-bit integer."""
    if not 0 <= value <= UINT16_MAX:
        raise ValueError(f"value {value} does not fit in uint16")
    return _U16.pack(value)


def pack_uint32(value: int) -> bytes:
    """Pack an unsigned 32-bit integer."""
    if not 0 <= value <= UINT32_MAX:
        raise ValueError(f"value {value} does not fit in uint32")
    return _U32.pack(value)


def pack_int16(value: int) -> bytes:
    """Pack a signed 16-bit integer (APAAS role; -1 means "no role")."""
    if not -0x8000 <= value <= 0x7FFF:
        raise ValueError(f"value {value} does not fit in int16")
    return _I16.pack(value)


def pack_bytes(data: bytes) -> bytes:
    """Pack a length-prefixed byte string (uint16 length)."""
    if len(data) > UINT16_MAX:
        raise ValueError(f"string of {len(data)} bytes is longer than the format allows ({UINT16_MAX})")
    return _U16.pack(len(data)) + data


def pack_string(text: str) -> bytes:
    """Pack a str as length-prefixed UTF-8."""
    return pack_bytes(text.encode("utf-8"))


def pack_map_uint32(mapping: Mapping[int, int]) -> bytes:
    """Pack a uint16 -> uint32 map, sorted by key as the reference does."""
    if len(mapping) > UINT16_MAX:
        raise ValueError("too many map entries")
    if not all(_is_int(key) and _is_int(value) for key, value in mapping.items()):
        raise ValueError("privileges must map int privilege ids to int values")
    parts = [_U16.pack(len(mapping))]
    for key in sorted(mapping):
        value = mapping[key]
        if not 0 <= key <= UINT16_MAX:
            raise ValueError(f"privilege {key} does not fit in uint16")
        if not 0 <= value <= UINT32_MAX:
            raise ValueError(f"privilege value {value} does not fit in uint32")
        parts.append(_U16_U32.pack(key, value))
    return b"".join(parts)


class Reader:
    """Sequential reader over a byte buffer; every shortfall is a ``ValueError``."""

    __slots__ = ("_data", "_pos")

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def _take(self, size: int, what: str) -> bytes:
        end = self._pos + size
        if end > len(self._data):
            raise ValueError(f"truncated token: {what} runs past the end of the data")
        chunk = self._data[self._pos:end]
        self._pos = end
        return chunk

    def uint16(self, what: str = "uint16") -> int:
        return _U16.unpack(self._take(2, what))[0]

    def uint32(self, what: str = "uint32") -> int:
        return _U32.unpack(self._take(4, what))[0]

    def int16(self, what: str = "int16") -> int:
        return _I16.unpack(self._take(2, what))[0]

    def blob(self, what: str = "string") -> bytes:
        return self._take(self.uint16(f"length of {what}"), what)

    def string(self, what: str = "string") -> str:
        raw = self.blob(what)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"malformed token: {what} is not valid UTF-8") from None

    def map_uint32(self, what: str = "privileges") -> dict[int, int]:
        count = self.uint16(f"count of {what}")
        result: dict[int, int] = {}
        for _ in range(count):
            key = self.uint16(f"key in {what}")
            value = self.uint32(f"value in {what}")
            # A duplicate would be silently collapsed by the dict and hide part of what was signed.
            if key in result:
                raise ValueError(f"malformed token: duplicate key {key} in {what}")
            result[key] = value
        return result

    @property
    def remaining(self) -> int:
        return len(self._data) - self._pos

    def expect_end(self, what: str) -> None:
        """Reject trailing bytes: a well-formed token has none, and accepting them would make it malleable."""
        if self._pos != len(self._data):
            raise ValueError(f"malformed token: {self.remaining} trailing byte(s) after {what}")
