"""What an embedded-mode call's peer connection is given to find its way: the static `ICE_SERVERS`, a TURN entry
with credentials minted for this user and this call, and the transport policy.

The TURN credentials follow the TURN REST API convention that coturn's `use-auth-secret` checks: username
`<expiry unix time>:<user>`, credential base64(HMAC-SHA1(secret, username)). The shared secret never leaves the
server; a credential is handed only to a party of a live call, so a page a logged-out visitor can load holds none.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable

from .agora_credentials import CredentialRefused
from .call_registry import CallRegistry, StoreUnavailable


def turn_credential(secret: str, user: str, expires: int) -> tuple[str, str]:
    """The (username, credential) pair a TURN server with `secret` accepts for `user` until unix time `expires`."""
    username = f'{expires}:{user}'
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


class IceConfig:
    def __init__(self, *, static_servers: tuple[dict, ...], turn_urls: tuple[str, ...], turn_secret: str,
                 turn_ttl: int, transport_policy: str, calls: CallRegistry,
                 now: Callable[[], float] = time.time) -> None:
        self._static = [dict(server) for server in static_servers]
        self._turn_urls = list(turn_urls)
        self._secret = turn_secret
        self.ttl = turn_ttl
        self._policy = transport_policy
        self._calls = calls
        self._now = now

    def for_call(self, call_id: str, user: str) -> dict:
        """The RTCConfiguration for `user`'s peer connection in `call_id` (`iceServers`, `iceTransportPolicy`)."""
        try:
            call = self._calls.get(call_id)
        except StoreUnavailable:  # Redis lost: the call ends for this process's tabs (backend/redis_outage.py)
            raise CredentialRefused('TURN credentials wait until the server has reconnected.') from None
        if call is None or not call.live:
            raise CredentialRefused('TURN credentials are only for calls that are still live.')
        if user not in (call.caller, call.callee):
            raise CredentialRefused('TURN credentials are only for the two people in the call.')
        servers = [dict(server) for server in self._static]
        if self._turn_urls:
            username, credential = turn_credential(self._secret, user, int(self._now()) + self.ttl)
            servers.append({'urls': list(self._turn_urls), 'username': username, 'credential': credential})
        return {'iceServers': servers, 'iceTransportPolicy': self._policy}
