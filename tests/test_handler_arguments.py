"""NiceGUI's "does this handler take arguments?" read from the code object (ui/nicegui_tuning/handler_arguments.py)."""
from __future__ import annotations

import functools
import logging
from typing import Any

import pytest
from nicegui import helpers
from nicegui.helpers import functions

from ui.nicegui_tuning import handler_arguments
from ui.nicegui_tuning.handler_arguments import expects_arguments

nicegui_check = functions.expects_arguments


class Handlers:
    def plain(self) -> None: ...
    def takes(self, event: Any) -> None: ...
    def takes_two(self, event: Any, more: Any = None) -> None: ...
    def self_defaulted(self=None) -> None: ...  # an odd shape on purpose
    def variadic(*args: Any) -> None: ...
    def keyword(self, *, key: Any) -> None: ...
    @classmethod
    def of_class(cls) -> None: ...
    @staticmethod
    def static() -> None: ...
    async def coroutine(self, event: Any) -> None: ...
    def __call__(self, event: Any) -> None: ...


def positional_only(event: Any, /, flag: bool = False) -> None: ...
def all_defaulted(a: Any = 1, /, b: Any = 2, *rest: Any, c: Any = 3, **extra: Any) -> None: ...
def keyword_required(*rest: Any, key: Any) -> None: ...
def generator(event: Any) -> Any:
    yield event


@functools.wraps(Handlers.takes)
def wrapper(*args: Any, **kwargs: Any) -> None: ...


def with_signature() -> None: ...


with_signature.__signature__ = functions.signature(positional_only)  # type: ignore[attr-defined]

HANDLERS = [
    lambda: None, lambda event: None, lambda event=None: None, lambda *args: None, lambda **kwargs: None,
    lambda *, key: None, lambda *, key=1: None, lambda event, *, key=1: None,
    Handlers().plain, Handlers().takes, Handlers().takes_two, Handlers().self_defaulted, Handlers().variadic,
    Handlers().keyword, Handlers.of_class, Handlers().of_class, Handlers.static, Handlers().static, Handlers.plain,
    Handlers.takes, Handlers().coroutine, Handlers(), positional_only, all_defaulted, keyword_required, generator,
    wrapper, with_signature, functools.partial(positional_only, 1), functools.partial(Handlers.takes), len,
]


@pytest.mark.parametrize('handler', HANDLERS, ids=range(len(HANDLERS)))
def test_every_shape_of_handler_gets_nicegui_s_own_answer(handler: Any) -> None:
    assert expects_arguments(handler) == nicegui_check(handler)


def test_functions_and_methods_are_judged_without_a_signature(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_signature(func: Any) -> None:
        raise AssertionError(f'inspect.signature was asked about {func}')

    monkeypatch.setattr(functions, 'signature', no_signature)
    assert expects_arguments(lambda event: None)
    assert not expects_arguments(lambda: None)
    assert expects_arguments(Handlers().takes)
    assert not expects_arguments(Handlers().plain)
    with pytest.raises(AssertionError, match=r'inspect\.signature'):  # anything else is NiceGUI's to judge
        expects_arguments(functools.partial(positional_only, 1))


def test_the_installed_nicegui_gets_the_quick_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fails when a NiceGUI release asks something else of its handlers: then look at
    # ui/nicegui_tuning/handler_arguments.py again.
    monkeypatch.setattr(helpers, 'expects_arguments', nicegui_check)
    assert handler_arguments.speed_up_handler_checks()
    assert helpers.expects_arguments is expects_arguments


def test_a_nicegui_that_asks_something_else_keeps_its_own_check(monkeypatch: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    def positional_only_check(func: Any) -> bool:  # e.g. a release that ignores keyword-only parameters
        return any(p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty
                   for p in functions.signature(func).parameters.values())

    monkeypatch.setattr(handler_arguments, '_nicegui_expects_arguments', positional_only_check)
    monkeypatch.setattr(helpers, 'expects_arguments', positional_only_check)
    with caplog.at_level(logging.WARNING):
        assert not handler_arguments.speed_up_handler_checks()
    assert helpers.expects_arguments is positional_only_check
    assert 'keeps its own check' in caplog.text
