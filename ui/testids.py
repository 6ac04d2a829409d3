"""Stable hooks for scripted browsers (`data-testid`) and for NiceGUI's simulated user (markers)."""
from __future__ import annotations

from typing import TypeVar

from nicegui import ui

E = TypeVar('E', bound=ui.element)


def hook(element: E, name: str) -> E:
    element.props['data-testid'] = name  # set, not parsed from a string: every element built costs server time
    element.mark(name)
    return element
