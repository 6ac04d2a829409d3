"""Strict base64 and bounded zlib for decoding untrusted tokens.

Both are strict so that a token has exactly one accepted spelling: lenient base64 (ignored padding bits,
stray characters) would let a flipped character decode to the same bytes and still verify.
"""

from __future__ import annotations

import base64
import binascii
import zlib

# A real token is a few hundred bytes; the cap keeps a crafted "zip bomb" from exhausting memory.
MAX_INFLATED_BYTES = 1 << 20


def b64decode_strict(payload: str) -> bytes:
    """Standard base64 with '=' padding, canonical form only; anything else is a ``ValueError``."""
    if not payload.isascii():
        raise ValueError("malformed token: non-ASCII character in base64 part")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"malformed token: bad base64 ({exc})") from None
    # Non-zero padding bits decode fine but give a second spelling of the same bytes.
    if base64.b64encode(raw).decode("ascii") != payload:
        raise ValueError("malformed token: non-canonical base64")
    return raw


def inflate(data: bytes) -> bytes:
    """zlib-decompress exactly one complete stream with nothing after it."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_INFLATED_BYTES)
    except zlib.error as exc:
        raise ValueError(f"malformed token: bad zlib data ({exc})") from None
    if inflater.unconsumed_tail:
        raise ValueError(f"malformed token: decompressed content exceeds {MAX_INFLATED_BYTES} bytes")
    if not inflater.eof:
        raise ValueError("malformed token: truncated zlib data")
    if inflater.unused_data:
        raise ValueError("malformed token: trailing bytes after the zlib data")
    return out
