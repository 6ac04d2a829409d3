"""WCAG contrast of two colours, and the nearest colour that reaches a contrast: text stays readable on any
avatar and in either theme, whatever the brand colour."""
from __future__ import annotations

MIN_CONTRAST = 4.5  # WCAG AA for normal text


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two `#rrggbb` colours, 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def luminance(color: str) -> float:
    """WCAG's relative luminance of a `#rrggbb` colour."""
    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def readable_on(color: str, background: str, minimum: float = MIN_CONTRAST) -> str:
    """`color` itself if it reads on `background`, else mixed towards white (on a dark background) or black (on a light
    one) just enough to."""
    toward = 255 if luminance(background) < 0.18 else 0
    channels = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(21):
        mixed = '#' + ''.join(f'{round(value + (toward - value) * step / 20):02x}' for value in channels)
        if contrast(mixed, background) >= minimum:
            return mixed
    return '#ffffff' if toward else '#000000'
