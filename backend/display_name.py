"""The display name rule: 1 to 64 code points of any script, trimmed; empty means "none" (the username shows)."""
from __future__ import annotations

import unicodedata

MAX_LENGTH = 64


def display_name_problem(name: str) -> str | None:
    """What is wrong with an already trimmed display name, in words for the user, or None."""
    if len(name) > MAX_LENGTH:
        return f'A display name has at most {MAX_LENGTH} characters (this one has {len(name)}).'
    try:
        name.encode()
    except UnicodeEncodeError:  # a lone surrogate, which a scripted client can send
        return 'A display name cannot contain this character: please choose another name.'
    # Line breaks, tabs and other controls would break the layout; joiners (Persian, emoji sequences) are fine.
    if any(unicodedata.category(char) in {'Cc', 'Zl', 'Zp'} for char in name):
        return 'A display name cannot contain line breaks, tabs or other control characters.'
    return None
