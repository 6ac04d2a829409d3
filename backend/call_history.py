"""The call history in the database: one row per call, written when it ends; queries per user.

Every method blocks on the database: the UI calls them through `run.io_bound`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, sessionmaker

from .call_registry import MISSED_REASONS, Call, CallKind, EndReason, talk_time
from .database import CallRecord, User


@dataclass(frozen=True)
class HistoryEntry:
    call_id: str
    outgoing: bool
    peer: str
    result: EndReason
    ended_by: str | None
    duration: float
    started_at: datetime
    reply: str = ''  # the callee's words with a decline
    kind: CallKind = CallKind.VIDEO

    @property
    def missed(self) -> bool:
        return not self.outgoing and self.result in MISSED_REASONS

    @classmethod
    def of(cls, call: Call, username: str) -> HistoryEntry:
        """The entry `username` sees for an ended call: the same as `CallHistory.entries` reads back."""
        return cls(call_id=call.id, outgoing=call.caller == username, peer=call.peer_of(username),
                   result=call.end_reason or EndReason.ERROR, ended_by=call.ended_by, duration=call.duration,
                   started_at=_utc(call.created_at), reply=call.reply, kind=call.kind)


def _utc(seconds: float | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else None


def _seconds(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


class CallHistory:
    def __init__(self, sessions: sessionmaker) -> None:
        self._sessions = sessions

    def record(self, call: Call) -> bool:
        """Store an ended call; storing the same call twice keeps the first row (and returns False)."""
        with self._sessions() as session:
            ids = dict(session.execute(select(User.username, User.id)
                                       .where(User.username.in_([call.caller, call.callee]))).all())
            session.add(CallRecord(
                id=call.id, caller_id=ids[call.caller], callee_id=ids[call.callee], channel=call.channel,
                state=call.state.value, end_reason=call.end_reason.value if call.end_reason else EndReason.ERROR.value,
                ended_by=call.ended_by, created_at=_utc(call.created_at), answered_at=_utc(call.answered_at),
                ended_at=_utc(call.ended_at or call.created_at), reply=call.reply or None, kind=call.kind.value))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # already stored (a repeated report): the first row stands
                return False
        return True

    def entries(self, username: str, limit: int = 50) -> list[HistoryEntry]:
        """The user's calls, newest first."""
        caller, callee = aliased(User), aliased(User)
        query = (select(CallRecord, caller.username, callee.username)
                 .join(caller, CallRecord.caller_id == caller.id)
                 .join(callee, CallRecord.callee_id == callee.id)
                 .where(or_(caller.username == username, callee.username == username))
                 .order_by(CallRecord.created_at.desc(), CallRecord.id)
                 .limit(limit))
        with self._sessions() as session:
            rows = session.execute(query).all()
        return [HistoryEntry(
            call_id=record.id, outgoing=caller_name == username,
            peer=callee_name if caller_name == username else caller_name,
            result=EndReason(record.end_reason), ended_by=record.ended_by,
            duration=talk_time(_seconds(record.answered_at), record.ended_at.timestamp()),
            started_at=record.created_at, reply=record.reply or '', kind=CallKind(record.kind))
            for record, caller_name, callee_name in rows]

    def missed_count(self, username: str) -> int:
        """Missed calls since the user last looked at their history."""
        with self._sessions() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                return 0
            query = (select(func.count()).select_from(CallRecord)
                     .where(CallRecord.callee_id == user.id,
                            CallRecord.end_reason.in_([reason.value for reason in MISSED_REASONS])))
            if user.history_seen_at is not None:  # a call becomes missed when it ends, which may be after it rang
                query = query.where(CallRecord.ended_at > user.history_seen_at)
            return session.scalar(query) or 0

    def mark_seen(self, username: str) -> None:
        with self._sessions() as session:
            session.execute(update(User).where(User.username == username).values(history_seen_at=datetime.now(UTC)))
            session.commit()
