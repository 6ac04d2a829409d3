"""The preload imports the URL NiceGUI itself loads components from: fail here if NiceGUI moves it."""
from __future__ import annotations

from pathlib import Path

import nicegui
from nicegui import __version__, app


def test_nicegui_serves_components_where_the_preload_imports_them() -> None:
    paths = {getattr(route, 'path', '') for route in app.routes}
    assert f'/_nicegui/{__version__}/components/{{key:path}}' in paths


def test_nicegui_loads_components_from_that_url() -> None:
    loader = (Path(nicegui.__file__).parent / 'static' / 'nicegui.js').read_text()
    assert '`${options.prefix}/_nicegui/${options.version}/components/${c.key}`' in loader
