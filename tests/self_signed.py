"""A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command line."""
from __future__ import annotations

import subprocess
from pathlib import Path


def self_signed_certificate(folder: Path, name: str = 'server') -> tuple[Path, Path]:
    """(certificate, unencrypted private key) as PEM files in `folder`, valid for two days."""
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / f'{name}.crt', folder / f'{name}.key'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                    '-keyout', str(key), '-out', str(certificate), '-days', '2', '-subj', '/CN=ringboard test',
                    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], check=True, capture_output=True)
    return certificate, key
