"""What this server changes in NiceGUI's internals to hold many open tabs; none of it with NICEGUI_TUNING=off.

One module per change, each checking at start-up that the installed NiceGUI still has what it replaces (any other
version keeps its own, with a warning). NiceGUI is pinned in requirements.txt, and tests/test_<module>.py fails when
a release changes what a module relies on. What each change buys, and how it was measured: bench/README.md.
"""
from __future__ import annotations

from nicegui import App

from .deleted_elements import free_deleted_elements
from .garbage_collection import freeze_survivors
from .handler_arguments import speed_up_handler_checks
from .idle_outbox import stop_outbox_polling
from .ping_timeout import lengthen_ping_timeout


def apply(app: App) -> None:
    """Patch NiceGUI now; set the socket timeout and the garbage-collection policy once `app` starts."""
    stop_outbox_polling()
    speed_up_handler_checks()
    free_deleted_elements()
    lengthen_ping_timeout(app)
    freeze_survivors(app)
