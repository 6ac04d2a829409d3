"""Page routes; `register_pages` adds them all for one set of services."""
from __future__ import annotations

from backend.services import Services

from ..live_updates import LiveUpdates
from ..password_work import PasswordWork
from .account import account_page
from .dashboard import dashboard_page
from .login import login_page
from .register import register_page


def register_pages(services: Services, live: LiveUpdates) -> None:
    passwords = PasswordWork()
    login_page(services, passwords, live)
    register_page(services, passwords)
    dashboard_page(services, live)
    account_page(services, passwords)
