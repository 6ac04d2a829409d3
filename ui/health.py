"""`GET /health`: what a proxy's health check asks (deploy/haproxy.cfg); a plain answer, no page is built."""
from __future__ import annotations

from fastapi.responses import PlainTextResponse

HEALTH_PATH = '/health'


def add_health_route(fastapi_app) -> None:
    fastapi_app.get(HEALTH_PATH, include_in_schema=False)(lambda: PlainTextResponse('ok'))
