"""ringboard: call a colleague from the browser. Start with `python main.py` (settings: see .env.example)."""
import os
import sys

from dotenv import load_dotenv
from sqlalchemy.exc import SQLAlchemyError

from backend.private_files import make_data_private
from backend.settings import PROJECT_DIR, SettingsError, load_settings


def main() -> None:
    load_dotenv(PROJECT_DIR / '.env')
    try:
        settings = load_settings()
    except SettingsError as error:
        sys.exit(f'ringboard: cannot start: {error}')
    for warning in settings.warnings:
        print(f'ringboard: warning: {warning}', file=sys.stderr)
    try:
        make_data_private(settings.data_dir, settings.database_url)
    except OSError as error:
        sys.exit(f'ringboard: cannot start: cannot make the data folder (DATA_DIR={settings.data_dir}) private: '
                 f'{error.strerror or error}')
    # NiceGUI picks its session folder when it is imported: keep the sessions beside the database.
    os.environ.setdefault('NICEGUI_STORAGE_PATH', str(settings.data_dir / 'sessions'))
    from nicegui import app, ui

    from backend.services import create_services
    from ui.app_shell import start_app
    from ui.branding import favicon

    try:
        services = create_services(settings)
    except SettingsError as error:  # e.g. DEMO_USERS naming an account registered with a password
        sys.exit(f'ringboard: cannot start: {error}')
    except (OSError, ImportError, SQLAlchemyError) as error:  # a database or data folder that cannot be opened
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        sys.exit(f'ringboard: cannot start: cannot open the database (DATABASE_URL) or the data folder '
                 f'(DATA_DIR={settings.data_dir}): {reason}')
    start_app(app, services)
    app.on_startup(services.calls.watch_timers)  # a shared store's deadlines, whichever process set them
    ui.run(host=settings.host, port=settings.port, title=settings.app_name, favicon=favicon(settings), show=False,
           dark=None,  # the system's preference; a signed-in user may pick (ui/theme.py)
           reload='--reload' in sys.argv, storage_secret=services.storage_secret,
           session_middleware_kwargs={'max_age': settings.session_days * 86400}, show_welcome_message=True,
           ssl_certfile=settings.ssl_certfile or None, ssl_keyfile=settings.ssl_keyfile or None)


if __name__ in {'__main__', '__mp_main__'}:
    main()
