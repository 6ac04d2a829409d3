"""Agora tokens minted on this server, only for whom the rules allow.

RTC tokens: only for one of the two parties of a live call (accepted; or ringing, when the registry connects calls
while they ring, INSTANT_ANSWER), for that call's channel and that party's uid (or their shared screen's), with the
configured lifetime (renewal follows the same rule, so it stops when the call ends).
RTM tokens: only for the logged-in user's own id.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tokens import build_rtc_token, build_rtm_token

from .call_registry import ACTIVE, CONNECTING, RINGING, CallRegistry, StoreUnavailable

# A shared screen joins the channel as a user of its own (Agora RTC publishes one video track per client, and the
# sharer's camera stays on): the sharer's uid with this mark, which no username or account id can have.
SCREEN_MARK = '#screen'
SCREEN_UID_OFFSET = 2**31  # numeric uids: above every account id


class CredentialRefused(PermissionError):
    pass


@dataclass(frozen=True)
class RtcGrant:
    app_id: str
    channel: str
    uid: str | int  # the username, or the account's numeric id where CallAPI apps join too (agora-signaling)
    token: str


class AgoraCredentials:
    def __init__(self, app_id: str, app_certificate: str, ttl: int, calls: CallRegistry, *,
                 rtc_uid: Callable[[str], int] | None = None) -> None:
        """`rtc_uid`: the numeric RTC uid of a user, when RTC uids are numbers (CallAPI's); else the username."""
        self.app_id = app_id
        self._certificate = app_certificate
        self.ttl = ttl
        self._calls = calls
        self._rtc_uid = rtc_uid

    def rtc(self, call_id: str, user: str, *, screen: bool = False) -> RtcGrant:
        """A token to join (and publish in) the channel of `call_id` as `user`, or as `user`'s shared screen."""
        try:
            call = self._calls.get(call_id)
        except StoreUnavailable:  # Redis lost: the call ends for this process's tabs (backend/redis_outage.py)
            raise CredentialRefused('RTC tokens wait until the server has reconnected.') from None
        early = self._calls.connect_while_ringing
        if call is None or call.state not in ((RINGING, CONNECTING, ACTIVE) if early else (CONNECTING, ACTIVE)):
            raise CredentialRefused('RTC tokens are only for calls that are still live.' if early
                                    else 'RTC tokens are only for calls that were accepted and are still live.')
        if user not in (call.caller, call.callee):
            raise CredentialRefused('RTC tokens are only for the two people in the call.')
        uid = self.screen_uid(user) if screen else self._uid(user)
        token = build_rtc_token(self.app_id, self._certificate, call.channel, uid, role='publisher', expire=self.ttl)
        return RtcGrant(self.app_id, call.channel, uid, token)

    def screen_uid(self, user: str) -> str | int:
        """The RTC uid of `user`'s shared screen."""
        uid = self._uid(user)
        return uid + SCREEN_UID_OFFSET if isinstance(uid, int) else uid + SCREEN_MARK

    def _uid(self, user: str) -> str | int:
        return user if self._rtc_uid is None else self._rtc_uid(user)

    def rtm(self, requester: str, user_id: str) -> str:
        """A token to log in to Agora signaling as `user_id`; only ever for yourself."""
        if requester != user_id:
            raise CredentialRefused('RTM tokens are only for your own user id.')
        return build_rtm_token(self.app_id, self._certificate, user_id, expire=self.ttl)
