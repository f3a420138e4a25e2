from dataclasses import replace

from recordings.media import MediaSettings, plan_transcode, probe
from recordings.media.plan import ladder_heights


def test_h264_aac_is_copied(media):
    plan = plan_transcode(probe(media.h264_aac))
    assert plan.mode == "remux"
    assert all(r.copy for r in plan.renditions)


def test_a_copy_gets_lower_rungs_encoded_after_it(media):
    plan = plan_transcode(probe(media.h264_aac_480))
    assert plan.mode == "remux"
    assert [(r.width, r.height, r.copy) for r in sorted(plan.video, key=lambda r: r.height)] == [
        (480, 360, False),
        (640, 480, True),
    ]
    [low] = plan.secondary
    assert low.nice == 19 and low.keyframes == "source"
    assert plan.top_video.copy  # the download and the first playable stream are the copy


def test_other_codecs_get_a_ladder_that_never_upscales(media):
    plan = plan_transcode(probe(media.moving))  # 320x240 mpeg4
    assert plan.mode == "transcode"
    assert [(r.width, r.height) for r in plan.video] == [(320, 240)]
    assert plan.audio is not None and not plan.audio.copy
    assert ladder_heights(720, (1080, 720, 360)) == [360, 720]
    assert ladder_heights(1080, (1080, 720, 360)) == [360, 720, 1080]
    assert ladder_heights(900, (1080, 720, 360)) == [360, 720]


def test_odd_source_gets_even_dimensions(media):
    plan = plan_transcode(probe(media.odd))
    assert [(r.width, r.height) for r in plan.video] == [(320, 240)]


def test_rotated_source_is_encoded_upright(media):
    plan = plan_transcode(probe(media.rotated))
    assert plan.mode == "transcode"  # a copy would keep the rotation flag players may ignore
    assert [(r.width, r.height) for r in plan.video] == [(240, 320)]


def test_loudnorm_is_a_setting(media):
    info = probe(media.moving)
    plain = plan_transcode(info, MediaSettings())
    loud = plan_transcode(info, replace(MediaSettings(), loudnorm=True))
    assert plain.fingerprint != loud.fingerprint
    loud_cmd = " ".join(
        loud.commands(info.path, "/w", replace(MediaSettings(), loudnorm=True), info)["audio"]
    )
    assert "loudnorm=I=-16" in loud_cmd
    assert "loudnorm" not in " ".join(
        plain.commands(info.path, "/w", MediaSettings(), info)["audio"]
    )
