"""Debian's coturn on a free loopback port in a temp folder (the command line of NETWORK.md), and the two STUN/TURN
requests the tests speak to it: a binding request (is it up?) and an allocation with long-term credentials."""
from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

from .app_server import stop_process

TURNSERVER = shutil.which('turnserver') or '/usr/bin/turnserver'
REALM = 'ringboard.test'
MAGIC_COOKIE = 0x2112A442
BINDING, ALLOCATE = 0x0001, 0x0003
USERNAME, MESSAGE_INTEGRITY, ERROR_CODE, REALM_ATTR, NONCE, REQUESTED_TRANSPORT = \
    0x0006, 0x0008, 0x0009, 0x0014, 0x0015, 0x0019
UDP = 17


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class TurnServer:
    """`turnserver` in the foreground with a shared secret, logging to `turnserver.log` in `folder`."""

    def __init__(self, folder: Path, secret: str, timeout: float = 15) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_udp_port()
        self.secret = secret
        self.url = f'turn:127.0.0.1:{self.port}?transport=udp'
        self.log_path = folder / 'turnserver.log'
        self._log = open(self.log_path, 'w')
        self.process = subprocess.Popen(
            [TURNSERVER, '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', f'--listening-port={self.port}',
             '--min-port=49152', '--max-port=49300', '--use-auth-secret', f'--static-auth-secret={secret}',
             f'--realm={REALM}', '--no-tls', '--no-dtls', '--allow-loopback-peers', '--no-cli',
             '--log-file=stdout', '--simple-log', '--verbose', f'--pidfile={folder / "turnserver.pid"}',
             f'--userdb={folder / "turndb"}'],
            cwd=folder, stdout=self._log, stderr=subprocess.STDOUT, env={'PATH': os.environ.get('PATH', '')})
        deadline = time.monotonic() + timeout
        while not stun_binding(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f'turnserver did not answer STUN on port {self.port}:\n{self.log()}')

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        stop_process(self.process)
        self._log.close()


# ---- STUN messages (RFC 5389) and TURN allocations (RFC 5766) ----------------------------------------------------

def _attribute(kind: int, value: bytes) -> bytes:
    return struct.pack('!HH', kind, len(value)) + value + b'\0' * (-len(value) % 4)


def _message(kind: int, transaction: bytes, attributes: bytes) -> bytes:
    return struct.pack('!HHI', kind, len(attributes), MAGIC_COOKIE) + transaction + attributes


def _attributes(message: bytes) -> dict[int, bytes]:
    found, offset = {}, 20
    while offset + 4 <= len(message):
        kind, length = struct.unpack_from('!HH', message, offset)
        found[kind] = message[offset + 4:offset + 4 + length]
        offset += 4 + length + (-length % 4)
    return found


def _exchange(sock: socket.socket, port: int, request: bytes) -> bytes | None:
    sock.sendto(request, ('127.0.0.1', port))
    try:
        return sock.recv(2048)
    except OSError:  # nothing listening yet (ICMP unreachable) or no answer in time
        return None


def _client(timeout: float) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    return sock


def stun_binding(port: int) -> bool:
    """True when a STUN binding request on `port` gets a success answer."""
    transaction = os.urandom(12)
    with _client(0.3) as sock:
        answer = _exchange(sock, port, _message(BINDING, transaction, b''))
    return answer is not None and answer[:2] == b'\x01\x01' and answer[8:20] == transaction


def allocate(port: int, username: str, password: str) -> int:
    """A TURN allocation with long-term credentials: 0 when granted, else the server's error code (401...)."""
    with _client(1.0) as sock:  # one client address: coturn's nonce belongs to it
        return _allocate(sock, port, username, password)


def _allocate(sock: socket.socket, port: int, username: str, password: str) -> int:
    transport = _attribute(REQUESTED_TRANSPORT, bytes([UDP, 0, 0, 0]))
    challenge = _exchange(sock, port, _message(ALLOCATE, os.urandom(12), transport))
    assert challenge is not None, 'no answer to an unauthenticated ALLOCATE'
    fields = _attributes(challenge)
    realm, nonce = fields[REALM_ATTR], fields[NONCE]
    body = transport + _attribute(USERNAME, username.encode()) + _attribute(REALM_ATTR, realm) + \
        _attribute(NONCE, nonce)
    transaction = os.urandom(12)
    # MESSAGE-INTEGRITY covers the message up to itself, with the length already counting it (24 bytes).
    header = struct.pack('!HHI', ALLOCATE, len(body) + 24, MAGIC_COOKIE) + transaction
    key = hashlib.md5(f'{username}:{realm.decode()}:{password}'.encode()).digest()
    integrity = hmac.new(key, header + body, hashlib.sha1).digest()
    answer = _exchange(sock, port, header + body + _attribute(MESSAGE_INTEGRITY, integrity))
    assert answer is not None and answer[8:20] == transaction, 'no answer to the authenticated ALLOCATE'
    if answer[:2] == b'\x01\x03':
        return 0
    error = _attributes(answer)[ERROR_CODE]
    return (error[2] & 7) * 100 + error[3]
