"""A person's avatar: the initial of their name on a colour that is theirs, the same in the directory, the ringing
banner, the call view and the history.

Those are each drawn in the browser from one element, so the avatar is a Vue component they embed
(person_avatar.js, loaded through their `dependencies`); this module decides what it shows.
"""
from __future__ import annotations

import colorsys
import hashlib

from ..contrast import MIN_CONTRAST, contrast

AVATAR_JS = 'person_avatar.js'  # for the `dependencies` of the elements that draw avatars
TEXT_COLOR = '#ffffff'


def avatar_of(username: str, name: str) -> dict[str, str]:
    """The avatar's props: `user`, `initial` (of the display name, else the username) and the `background` and
    text `color`. The colour comes from the username alone (case-insensitively, as usernames are unique), so renaming
    keeps it and every browser shows the same one."""
    shown = name.strip() or username
    return {'user': username, 'initial': shown[:1].upper(), 'background': avatar_color(username), 'color': TEXT_COLOR}


def avatar_color(username: str) -> str:
    """A hue from the username's hash, darkened until white text on it has a contrast of at least 4.5:1."""
    digest = hashlib.sha256(username.lower().encode()).digest()
    hue = int.from_bytes(digest[:2], 'big') % 360 / 360
    lightness = 0.5
    while True:
        red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.6)
        color = '#' + ''.join(f'{round(part * 255):02x}' for part in (red, green, blue))
        if contrast(color, TEXT_COLOR) >= MIN_CONTRAST:
            return color
        lightness -= 0.02
