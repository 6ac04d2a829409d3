"""A decline with a reply: the rule on the text, the registry's decline carrying it (memory and Redis stores), the
history keeping it, the words each side reads, and CallAPI's rejectReason both ways."""
from __future__ import annotations

import time
import uuid

import pytest

from backend.call_history import HistoryEntry
from backend.call_registry import ENDED, RINGING, CallRefused, EndReason
from backend.decline_reply import MAX_REPLY_CHARS, QUICK_REPLIES, peer_reply, reply_problem
from ui.call_words import end_notice, history_result

from .test_call_history import Setup
from .test_call_registry import World, ringing
from .test_call_registry import w as w
from .test_callapi_calls import World as CallApiWorld
from .test_callapi_calls import callapi_call, callapi_reject, same_text, sent

HTML = '<b>hi</b><img src=x onerror="alert(1)">'


@pytest.mark.parametrize('reply', [*QUICK_REPLIES, HTML, 'x' * MAX_REPLY_CHARS, '  padded  ', 'Ça va 👍🏽 later'])
def test_replies_that_pass(reply: str) -> None:
    assert reply_problem(reply) is None


@pytest.mark.parametrize(('reply', 'words'), [('', 'Type a reply first'), ('   ', 'Type a reply first'),
                                              ('x' * (MAX_REPLY_CHARS + 1), f'at most {MAX_REPLY_CHARS} characters'),
                                              ('two\nlines', 'one line'), ('bell\x07', 'one line'),
                                              (None, 'is text'), (42, 'is text'), (['In a meeting'], 'is text')])
def test_replies_that_are_refused_say_why(reply: object, words: str) -> None:
    assert words in reply_problem(reply)


def test_a_peers_reply_is_made_fit_to_show() -> None:
    assert peer_reply(None) == peer_reply('') == peer_reply(' \n\t ') == ''
    assert peer_reply(' In a\n\nmeeting\x00 ') == 'In a meeting'
    long = peer_reply('y' * 200)
    assert len(long) == MAX_REPLY_CHARS and long.endswith('…') and reply_problem(long) is None
    assert peer_reply(HTML) == HTML  # only ever shown as text


def test_the_registry_declines_with_a_reply(w: World) -> None:
    call = ringing(w)
    declined = w.calls.decline(call.id, 'bob', '  In a meeting ')
    assert (declined.state, declined.end_reason, declined.ended_by, declined.reply) == \
        (ENDED, EndReason.DECLINED, 'bob', 'In a meeting')
    assert w.ended_of(call.id) == [declined]


@pytest.mark.parametrize('reply', ['   ', 'x' * (MAX_REPLY_CHARS + 1), 'a\nb', None, 7])
def test_the_registry_refuses_a_bad_reply_and_the_call_rings_on(w: World, reply: object) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        w.calls.decline(call.id, 'bob', reply)
    assert w.calls.get(call.id).state is RINGING
    assert w.ended_of(call.id) == []


def test_only_the_callee_declines_with_a_reply(w: World) -> None:
    call = ringing(w)
    with pytest.raises(CallRefused):
        w.calls.decline(call.id, 'alice', 'In a meeting')
    assert w.calls.get(call.id).reply == ''


def test_both_histories_keep_the_reply(database_url: str) -> None:  # SQLite and PostgreSQL
    h = Setup(database_url, start=time.time() - 60)
    try:
        call = h.calls.invite('alice', 'bob')
        declined = h.calls.decline(call.id, 'bob', HTML)
        plain = h.calls.decline(h.calls.invite('alice', 'bob').id, 'bob')
        for user in ('alice', 'bob'):
            by_id = {entry.call_id: entry for entry in h.history.entries(user)}
            assert by_id[call.id].reply == HTML and by_id[call.id] == HistoryEntry.of(declined, user)
            assert by_id[plain.id].reply == ''
            assert history_result(by_id[call.id]) == f'Declined · “{HTML}”'
            assert history_result(by_id[plain.id]) == 'Declined'
    finally:
        h.close()


def test_the_words_each_side_reads(w: World) -> None:
    declined = w.calls.decline(ringing(w).id, 'bob', 'In a meeting')
    assert end_notice(declined, 'alice') == 'bob replied:'  # the reply itself shows beside it (decline-reason)
    assert end_notice(declined, 'bob', 'Alice Johnson') == 'You replied to Alice Johnson:'
    plain = w.calls.decline(ringing(w).id, 'bob')
    assert end_notice(plain, 'alice') == 'bob declined'


def test_callapis_reject_reason_is_the_reply_both_ways() -> None:
    w = CallApiWorld()
    # A CallAPI app (bob) declines alice's call with its words: made fit, never refused for being long.
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    ended = w.callapi.received('alice', callapi_reject(call.id, 12, 7, reason='Busy\nnow ' + 'z' * 200))
    assert ended is not None and ended.end_reason is EndReason.DECLINED
    assert ended.reply.startswith('Busy now zz') and len(ended.reply) == MAX_REPLY_CHARS
    call = w.calls.invite('alice', 'bob', 'alice-tab')
    assert w.callapi.received('alice', callapi_reject(call.id, 12, 7, reason='')).reply == ''
    # ringboard's alice declines bob's call with a reply: CallAPI's reject(uid, reason).
    call_id = str(uuid.uuid4())
    w.callapi.received('alice', callapi_call(call_id, 12, 7, 'room'))
    ended = w.calls.decline(call_id, 'alice', 'Call you in 5 minutes')
    same_text(sent(w.callapi.farewell(ended, 'alice')), callapi_reject(call_id, 7, 12, reason='Call you in 5 minutes'))
