"""A call snapshot as JSON text (enums as their values): how it is kept in Redis and carried between processes."""
from __future__ import annotations

import json
from dataclasses import asdict

from .call_registry import Call, CallKind, CallState, EndReason


def encode_call(call: Call) -> str:
    return json.dumps(asdict(call))


def decode_call(raw: str | None) -> Call | None:
    if raw is None:
        return None
    return call_from_fields(json.loads(raw))


def call_from_fields(fields: dict) -> Call:
    fields = dict(fields)
    fields['state'] = CallState(fields['state'])
    fields['kind'] = CallKind(fields['kind'])
    if fields['end_reason'] is not None:
        fields['end_reason'] = EndReason(fields['end_reason'])
    return Call(**fields)
