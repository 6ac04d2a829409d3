"""deploy/haproxy.cfg with other addresses: the proxy's listening address and one server line per process."""
from __future__ import annotations

import re
from pathlib import Path

HAPROXY_CFG = Path(__file__).with_name('haproxy.cfg')


def proxy_config(listen: str, servers: list[str], admin_socket: Path | None = None) -> str:
    """`listen` like 127.0.0.1:8080, `servers` like 127.0.0.1:8081; server i is named and cookied `app<i+1>`.
    `admin_socket`: HAProxy's runtime API there (who can reach it can change the proxy; a private folder)."""
    lines = []
    for line in HAPROXY_CFG.read_text().splitlines():
        if re.match(r'\s+bind ', line):
            line = f'    bind {listen}'
        elif re.match(r'\s+server ', line):
            if not any(re.match(r'\s+server ', added) for added in lines):
                lines += [f'    server app{number} {address} cookie app{number}'
                          for number, address in enumerate(servers, start=1)]
            continue
        elif line == 'global' and admin_socket is not None:
            lines += [line, f'    stats socket {admin_socket} mode 600 level admin']
            continue
        lines.append(line)
    return '\n'.join(lines) + '\n'
