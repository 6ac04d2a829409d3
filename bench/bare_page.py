"""The NiceGUI floor: a bare page with one label (`data-testid="me"`), started like the app.

`PORT=8081 python bench/bare_page.py` -- the page-load and memory benchmarks start it as a subprocess.
"""
import os

from nicegui import ui


@ui.page('/')
def page() -> None:
    ui.label('me').props('data-testid="me"')


if __name__ in {'__main__', '__mp_main__'}:
    ui.run(host=os.environ.get('HOST', '127.0.0.1'), port=int(os.environ.get('PORT', '8081')), show=False,
           reload=False, title='floor', show_welcome_message=False)
