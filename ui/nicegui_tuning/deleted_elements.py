"""Deleted NiceGUI elements drop their change handlers: their reference cycles left them to the garbage collector.

Each element's props, classes and style are observable collections that keep their own bound `_update` method as a
change handler: three reference cycles per element (about 19 objects), so no element NiceGUI deletes is freed by
reference counting. Every closed tab, every login page, every ringing banner and call view waits for a garbage
collection; and since garbage_collection.py freezes long-lived objects, whatever was frozen waits for the next
walk over the whole heap (measured: 346,000 of 1.2 million frozen objects were such garbage, and that walk stalled
the server 0.8 s at 1,000 open dashboards).

A deleted element never changes again, so once NiceGUI has removed it, its collections drop their change handlers:
the cycles are gone and the element goes when its last reference does. Applied only where NiceGUI's
source still keeps that list (checked at start-up); any other version is left as it is.
"""
from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable

from nicegui import Client
from nicegui.element import Element
from nicegui.observables import ObservableCollection

log = logging.getLogger(__name__)

_remove_elements = Client.remove_elements


def _remove_and_unlink(client: Client, elements: Iterable[Element]) -> None:
    removed = list(elements)
    _remove_elements(client, removed)
    for element in removed:
        for observable in (element._props, element._classes, element._style):
            observable._change_handlers.clear()


def elements_unlink() -> bool:
    """Whether this NiceGUI's collections keep the change-handler list this module clears."""
    try:
        return 'self._change_handlers: list' in inspect.getsource(ObservableCollection.__init__)
    except (OSError, TypeError):  # no source to check
        return False


def free_deleted_elements() -> bool:
    """Let NiceGUI's removal of elements break their cycles; False (and a warning) if this NiceGUI differs."""
    if Client.remove_elements is _remove_and_unlink:
        return True
    if not elements_unlink():
        log.warning('NiceGUI elements changed: deleted ones are left to the garbage collector '
                    '(ui/nicegui_tuning/deleted_elements.py does not apply)')
        return False
    Client.remove_elements = _remove_and_unlink
    return True
