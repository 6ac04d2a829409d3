"""NiceGUI's "does this handler take arguments?" read from the code object: `inspect.signature` slowed every element.

NiceGUI asks `helpers.expects_arguments` for every element it creates (its props, classes and style are each an
observable collection with a change handler) and for many events it dispatches. The answer comes from
`inspect.signature`: measured here, 60 % of the time it takes to create a plain element, and the server's accept
handler (which builds the call view on both tabs) took 46-49 ms with it, 30-36 ms without. Page builds, the
callee's banner, the call view: most of their server time is element creation.

For a plain Python function or a method bound to one, the answer is in the code object: the positional and
keyword-only parameters it declares, minus those with defaults. Anything else (partials, wrapped functions,
callable objects, builtins) still goes to NiceGUI's own check. At start-up both answers are compared on a set of
handlers of every shape; if they differ (a NiceGUI release changed what it asks), NiceGUI keeps its own.
"""
from __future__ import annotations

import logging
import types
from collections.abc import Callable
from typing import Any

from nicegui import helpers

log = logging.getLogger(__name__)

_nicegui_expects_arguments = helpers.expects_arguments


def expects_arguments(func: Callable) -> bool:
    """Whether `func` has a parameter that is neither variadic nor defaulted: NiceGUI's rule, without a signature."""
    target, bound = (func.__func__, 1) if type(func) is types.MethodType else (func, 0)
    if type(target) is not types.FunctionType or hasattr(target, '__wrapped__') or hasattr(target, '__signature__'):
        return _nicegui_expects_arguments(func)
    code = target.__code__
    if code.co_argcount < bound:  # a method without a parameter for `self`: let NiceGUI judge
        return _nicegui_expects_arguments(func)
    required_positional = code.co_argcount - len(target.__defaults__ or ()) - bound
    required_keyword = code.co_kwonlyargcount - len(target.__kwdefaults__ or {})
    return required_positional > 0 or required_keyword > 0


class _Probe:
    def none(self) -> None: ...
    def one(self, event: Any) -> None: ...
    def defaulted(self, event: Any = None) -> None: ...
    @classmethod
    def of_class(cls, event: Any) -> None: ...
    @staticmethod
    def static(event: Any) -> None: ...


async def _coroutine(event: Any, *, also: int) -> None: ...


def _keyword_defaulted(event: Any = None, /, *rest: Any, flag: bool = False, **extra: Any) -> None: ...


PROBES: list[Callable] = [
    lambda: None, lambda event: None, lambda event=None: None, lambda *args, **kwargs: None, lambda *, key: None,
    _Probe().none, _Probe().one, _Probe().defaulted, _Probe.of_class, _Probe.static, _Probe.one, _coroutine,
    _keyword_defaulted,
]


def speed_up_handler_checks() -> bool:
    """Give NiceGUI the code-object check; False (and a warning) if it disagrees with NiceGUI's own on a probe."""
    if helpers.expects_arguments is expects_arguments:
        return True
    differing = [probe for probe in PROBES if expects_arguments(probe) != _nicegui_expects_arguments(probe)]
    if differing:
        log.warning('NiceGUI checks handler arguments differently now: it keeps its own check '
                    '(ui/nicegui_tuning/handler_arguments.py does not apply; differs on %s)', differing)
        return False
    helpers.expects_arguments = expects_arguments
    return True
