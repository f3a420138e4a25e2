import pytest

from recordings.media import MediaError
from recordings.media.captions import load_captions
from recordings.media.index import merge_chapters, thumbnails_vtt

SRT = b"""1
00:00:01,500 --> 00:00:03,000
Bonjour \xc3\xa0 tous

2
00:01:02,000 --> 00:01:04,250
<i>Second</i> line
"""


def test_srt_becomes_webvtt():
    vtt, cues = load_captions(SRT)
    assert vtt.startswith("WEBVTT\n")
    assert "00:00:01.500 --> 00:00:03.000\nBonjour à tous" in vtt
    assert [c.start for c in cues] == [1.5, 62.0]


def test_webvtt_is_kept():
    data = b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"
    vtt, cues = load_captions(data)
    assert vtt == data.decode()
    assert cues[0].text == "Hi"


@pytest.mark.parametrize(
    "data",
    [b"", b"just some text", b"WEBVTT\n\n00:05.000 --> 00:02.000\nbackwards\n", b"\x00\xff" * 10],
)
def test_bad_captions_are_refused(data):
    with pytest.raises(MediaError) as err:
        load_captions(data)
    assert err.value.code == "bad_captions"


def test_chapters_are_merged_to_a_minimum_length():
    assert merge_chapters([10, 12, 50, 70, 118], 120, 30) == [0.0, 50]
    assert merge_chapters([10, 12, 50, 70, 118], 150, 10) == [0.0, 10, 50, 70, 118]


def test_thumbnail_track_points_into_sprites():
    vtt = thumbnails_vtt(25, 10, (160, 90), (2, 2), ["a.jpg"])
    assert "00:00:10.000 --> 00:00:20.000\na.jpg#xywh=160,0,160,90" in vtt
    assert "00:00:20.000 --> 00:00:25.000\na.jpg#xywh=0,90,160,90" in vtt
