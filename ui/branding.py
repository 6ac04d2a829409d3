"""The product's name, logo and colour as the settings give them (APP_NAME, APP_LOGO, BRAND_COLOR)."""
from __future__ import annotations

from nicegui import App, ui

from backend.settings import Settings

from .contrast import readable_on
from .testids import hook

LOGO_ROUTE = '/brand-logo'  # a local APP_LOGO file, served to everyone (the login page shows it)
DEFAULT_FAVICON = '📞'
DEFAULT_COLOR = '#5898d4'  # NiceGUI's primary colour
BACKGROUNDS = {'light': '#ffffff', 'dark': '#1d1d1d'}  # the lightest background text sits on in each theme


def apply_branding(app: App, settings: Settings) -> None:
    """Serve a local logo file and make the brand colour Quasar's primary colour on every page; as text, it is
    adjusted to read on each theme's background (theme.css)."""
    if settings.app_logo and not _is_url(settings.app_logo):
        app.add_static_file(local_file=settings.app_logo, url_path=LOGO_ROUTE)
    # NiceGUI's own blue is too light for white text on it, or for text on white: the nearest that reads
    primary = settings.brand_color or readable_on(DEFAULT_COLOR, BACKGROUNDS['light'])
    app.colors(primary=primary)
    ui.add_css(':root { ' + ' '.join(f'--primary-text-{theme}: {readable_on(primary, background)};'
                                     for theme, background in BACKGROUNDS.items()) + ' }', shared=True)


def favicon(settings: Settings) -> str:
    """For `ui.run`: NiceGUI serves a local file as /favicon.ico itself and links a URL as it is."""
    return settings.app_logo or DEFAULT_FAVICON


def brand_mark(settings: Settings, text_size: str = 'text-xl') -> ui.row:
    """The logo (or the ring icon) and the product name, for the header and the login page."""
    with ui.row().classes('items-center gap-2 no-wrap') as mark:
        if settings.app_logo:
            image = hook(ui.element('img').classes('h-8 w-auto max-w-40 object-contain'), 'app-logo')
            image.props['src'] = settings.app_logo if _is_url(settings.app_logo) else LOGO_ROUTE
            image.props['alt'] = f'{settings.app_name} logo'
        else:
            ui.icon('ring_volume', size='sm').classes('text-primary')
        hook(ui.label(settings.app_name), 'app-name').classes(f'{text_size} font-semibold')
    return mark


def _is_url(logo: str) -> bool:
    return logo.startswith(('http://', 'https://'))
