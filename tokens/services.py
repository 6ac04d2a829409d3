"""AccessToken2 (007) services: how each service type packs its own fields.

A service is represented as a plain dict, the same shape ``parse_token`` returns::

    {"type": 1, "name": "rtc", "privileges": {1: 600, ...}, "channel": str, "uid": str}

Fields per type (after the common ``uint16 type + map(privilege -> seconds)``):

====  =========  ============================================================
type  name       fields
====  =========  ============================================================
1     rtc        channel (str), uid (str; "" is "any uid")
2     rtm        user_id (str)
3     streaming  channel (str), account (str)
4     fpa        (none)
5     chat       user_id (str)
6     fcdn       channel (str), account (str)
7     apaas      room_uuid (str), user_uuid (str), role (int16, -1 = none)
8     rtm2       user_id (str), permissions {resource_type: {permission_type: [str, ...]}}
====  =========  ============================================================

Types 1, 2, 4, 5 and 7 are the ones TOKENS.md lists. Types 3, 6 and 8 are not in TOKENS.md but appear in
the official vectors (``007-streaming-fcdn-*``), which cannot be reproduced or parsed without them; their
layouts are read off those vectors and, for RTM2, off the reference ``ServiceRtm2``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .packing import Reader, pack_int16, pack_map_uint32, pack_string, pack_uint16
from .validation import account_to_uid_str

RTC, RTM, STREAMING, FPA, CHAT, FCDN, APAAS, RTM2 = 1, 2, 3, 4, 5, 6, 7, 8

SERVICE_NAMES = {
    RTC: "rtc",
    RTM: "rtm",
    STREAMING: "streaming",
    FPA: "fpa",
    CHAT: "chat",
    FCDN: "fcdn",
    APAAS: "apaas",
    RTM2: "rtm2",
}

# The str fields each type carries, in wire order (APAAS's int16 role and RTM2's permissions follow).
_STRING_FIELDS: dict[int, tuple[str, ...]] = {
    RTC: ("channel", "uid"),
    RTM: ("user_id",),
    STREAMING: ("channel", "account"),
    FPA: (),
    CHAT: ("user_id",),
    FCDN: ("channel", "account"),
    APAAS: ("room_uuid", "user_uuid"),
    RTM2: ("user_id",),
}


def is_service_type(value: object) -> bool:
    """A known service type id (bool is rejected although True == 1)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in SERVICE_NAMES


def _field_str(service: Mapping[str, Any], field: str) -> str:
    value = service.get(field, "")
    if field == "uid" and not isinstance(value, str):
        # Same int handling as the public builders: 0 -> "", N -> "N".
        return account_to_uid_str(value)
    if not isinstance(value, str):
        raise ValueError(f"service field {field!r} must be a str, got {type(value).__name__}")
    return value


def _pack_permissions(permissions: Mapping[int, Mapping[int, list[str]]]) -> bytes:
    # Sorted by resource type, then permission type, like the reference ServiceRtm2.pack.
    if not isinstance(permissions, Mapping) or not all(
        isinstance(key, int) and isinstance(inner, Mapping) and all(isinstance(k, int) for k in inner)
        for key, inner in permissions.items()
    ):
        raise ValueError("RTM2 permissions must map int resource types to {int permission type: [str, ...]}")
    parts = [pack_uint16(len(permissions))]
    for resource_type in sorted(permissions):
        by_permission = permissions[resource_type]
        parts.append(pack_uint16(resource_type) + pack_uint16(len(by_permission)))
        for permission_type in sorted(by_permission):
            resources = by_permission[permission_type]
            if not isinstance(resources, (list, tuple)):
                raise ValueError("RTM2 permission resources must be a list of str")
            parts.append(pack_uint16(permission_type) + pack_uint16(len(resources)))
            for resource in resources:
                if not isinstance(resource, str):
                    kind = type(resource).__name__
                    raise ValueError(f"RTM2 permission resource must be a str, got {kind}")
                parts.append(pack_string(resource))
    return b"".join(parts)


def pack_service(service: Mapping[str, Any]) -> bytes:
    """Pack one service dict (see the module docstring for the shape)."""
    service_type = service.get("type")
    if not is_service_type(service_type):
        raise ValueError(f"unknown service type {service_type!r}")
    privileges = service.get("privileges", {})
    if not isinstance(privileges, Mapping):
        raise ValueError(f"service privileges must be a mapping, got {type(privileges).__name__}")
    parts = [pack_uint16(service_type), pack_map_uint32(privileges)]
    parts.extend(pack_string(_field_str(service, field)) for field in _STRING_FIELDS[service_type])
    if service_type == APAAS:
        role = service.get("role", -1)
        if not isinstance(role, int) or isinstance(role, bool):
            raise ValueError(f"APAAS role must be an int, got {type(role).__name__}")
        parts.append(pack_int16(role))
    elif service_type == RTM2:
        parts.append(_pack_permissions(service.get("permissions", {})))
    return b"".join(parts)


def _unpack_permissions(reader: Reader) -> dict[int, dict[int, list[str]]]:
    permissions: dict[int, dict[int, list[str]]] = {}
    for _ in range(reader.uint16("count of RTM2 resource types")):
        resource_type = reader.uint16("RTM2 resource type")
        if resource_type in permissions:
            raise ValueError(f"malformed token: duplicate RTM2 resource type {resource_type}")
        by_permission: dict[int, list[str]] = {}
        for _ in range(reader.uint16("count of RTM2 permission types")):
            permission_type = reader.uint16("RTM2 permission type")
            if permission_type in by_permission:
                raise ValueError(f"malformed token: duplicate RTM2 permission type {permission_type}")
            count = reader.uint16("count of RTM2 resources")
            by_permission[permission_type] = [reader.string("RTM2 resource") for _ in range(count)]
        permissions[resource_type] = by_permission
    return permissions


def unpack_service(reader: Reader) -> dict[str, Any]:
    """Read one service (type, privileges and the type's own fields)."""
    service_type = reader.uint16("service type")
    name = SERVICE_NAMES.get(service_type)
    if name is None:
        raise ValueError(f"malformed token: unknown service type {service_type}")
    service: dict[str, Any] = {
        "type": service_type,
        "name": name,
        "privileges": reader.map_uint32(f"{name} privileges"),
    }
    for field in _STRING_FIELDS[service_type]:
        service[field] = reader.string(f"{name} {field}")
    if service_type == APAAS:
        service["role"] = reader.int16("apaas role")
    elif service_type == RTM2:
        service["permissions"] = _unpack_permissions(reader)
    return service
