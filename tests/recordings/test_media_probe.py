import pytest

from recordings.media import MediaError, probe


@pytest.mark.parametrize(
    ("sample", "code"),
    [
        ("text_as_mp4", "not_media"),
        ("zero_bytes", "not_media"),
        ("truncated", "corrupted"),
        ("no_moov", "corrupted"),
        ("subtitles_only", "no_streams"),
        ("single_frame", "zero_duration"),
    ],
)
def test_unusable_files_fail_with_a_reason(media, sample, code):
    with pytest.raises(MediaError) as err:
        probe(getattr(media, sample))
    assert err.value.code == code


def test_audio_only_is_accepted(media):
    info = probe(media.audio_only)
    assert info.audio_only and info.audio.codec == "mp3"
    assert info.duration == pytest.approx(4, abs=0.2)


def test_rotated_video_reports_display_size(media):
    info = probe(media.rotated)
    assert info.video.rotation in (90, 270)
    assert (info.video.display_width, info.video.display_height) == (240, 320)


def test_odd_dimensions_and_surround_audio(media):
    assert (probe(media.odd).video.width, probe(media.odd).video.height) == (321, 241)
    assert probe(media.surround).audio.channels == 6


def test_variable_frame_rate_is_detected(media):
    info = probe(media.vfr)
    assert info.video.vfr
    assert info.duration == pytest.approx(3, abs=0.3)


def test_webm_without_container_duration_gets_measured(media):
    info = probe(media.webm)
    assert info.video.codec == "vp8" and info.audio.codec == "opus"
    assert info.duration == pytest.approx(3, abs=0.2)
