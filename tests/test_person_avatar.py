"""Avatars: the initial of the shown name on a colour of the person's own, readable (white text at 4.5:1 or more)."""
from __future__ import annotations

from ui.components.person_avatar import TEXT_COLOR, avatar_color, avatar_of
from ui.contrast import contrast, readable_on
from ui.peer_video import PLAYING, STALLED, WAITING, PeerVideo


def test_the_colour_is_the_persons_own_and_stable() -> None:
    assert avatar_color('alice') == avatar_color('alice') == avatar_color('Alice')  # usernames ignore case
    colours = {avatar_color(f'user{number}') for number in range(200)}
    assert len(colours) > 100  # people look different from each other


def test_white_initials_are_readable_on_every_colour() -> None:
    for number in range(2000):
        assert contrast(avatar_color(f'person.{number}'), TEXT_COLOR) >= 4.5


def test_contrast_is_wcag_s() -> None:
    assert round(contrast('#000000', '#ffffff'), 1) == 21.0
    assert round(contrast('#767676', '#ffffff'), 2) == 4.54  # the lightest grey that passes on white


def test_a_colour_is_adjusted_only_as_far_as_needed_to_read() -> None:
    assert readable_on('#1976d2', '#ffffff') == '#1976d2'  # Quasar's blue reads on white as it is
    on_dark = readable_on('#1976d2', '#1d1d1d')
    assert contrast(on_dark, '#1d1d1d') >= 4.5 and on_dark != '#ffffff'
    assert contrast(readable_on('#ffdd00', '#ffffff'), '#ffffff') >= 4.5  # a yellow brand on a light page


def test_the_initial_is_of_the_display_name_else_the_username() -> None:
    assert avatar_of('bob', 'Élodie Durand')['initial'] == 'É'
    assert avatar_of('bob', 'bob')['initial'] == 'B'
    assert avatar_of('bob', '  ')['initial'] == 'B'
    renamed = avatar_of('bob', 'Robert')
    assert renamed['background'] == avatar_of('bob', 'bob')['background'] and renamed['user'] == 'bob'


def test_the_words_for_a_peer_video_not_showing() -> None:
    video = PeerVideo()
    assert video.words() == 'Waiting for video…'
    video.frames = PLAYING
    assert video.words() == ''
    video.frames = STALLED
    assert video.words() == 'Video paused'
    video.camera_on = False
    assert video.words() == 'Camera off'
    video.expected = False
    assert video.words() == 'Voice call'
    assert PeerVideo(frames=WAITING, camera_on=False).words() == 'Camera off'
