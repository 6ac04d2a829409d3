"""The app's own CSS (ui/css/), added once to every page."""
from __future__ import annotations

from pathlib import Path

from nicegui import ui

CSS_DIR = Path(__file__).parent / 'css'


def add_stylesheets() -> None:
    for sheet in sorted(CSS_DIR.glob('*.css')):
        ui.add_css(sheet, shared=True)
