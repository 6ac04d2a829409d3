"""Fetch custom components' JavaScript before their first use on a tab.

NiceGUI imports a component's module the first time one of its elements reaches a tab, so the first ring and the
first accept on every tab waited for those fetches (a round trip each to a remote server). Importing the same URLs
once the tab is connected puts the modules in the browser's module map, and NiceGUI's own import of them later
resolves at once. The URL is NiceGUI's own (not public API): tests/test_component_preload.py fails if it moves.
"""
from __future__ import annotations

import json

from nicegui import __version__, ui


def preload_components(*element_classes: type[ui.element]) -> None:
    """Have the current tab import these elements' modules now (sent once its socket is connected)."""
    keys = [element_class.component.key for element_class in element_classes if element_class.component]
    # NiceGUI's own URL for a component (nicegui.js `load_js_components`, behind the same path prefix)
    ui.run_javascript(f'for (const key of {json.dumps(keys)}) '
                      f'import(`${{window.path_prefix}}/_nicegui/{__version__}/components/${{key}}`);')
