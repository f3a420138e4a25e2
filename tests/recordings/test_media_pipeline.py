import os
from dataclasses import replace

import pytest

from recordings.media import MediaSettings, probe, process_media
from tests.recordings.media_checks import ffprobe_json, master_variants, top_level_atoms, tree

FAST = replace(
    MediaSettings(), video_preset="ultrafast", chapter_min_seconds=1.5, silence_min_seconds=1.0
)


def run(src, tmp_path, settings=FAST, **kw):
    final = str(tmp_path / "published")
    events = []
    progress = []
    manifest = process_media(
        src, final, work_root=str(tmp_path / ".work"), settings=settings,
        progress=progress.append, on_publish=events.append, **kw,
    )  # fmt: skip
    return final, manifest, events, progress


def test_slides_become_an_hls_ladder_with_index(media, tmp_path):
    final, manifest, events, progress = run(media.slides, tmp_path)
    assert manifest["status"] == "ready" and manifest["mode"] == "transcode"
    streams = master_variants(os.path.join(final, "master.m3u8"))
    heights = sorted(s["height"] for s in streams if s["codec_type"] == "video")
    assert heights == [180]  # 320x180 source: never upscaled to 360
    assert any(s["codec_type"] == "audio" and s["codec_name"] == "aac" for s in streams)
    # slides change every 2 s: chapters start on the cuts; the tone stops in the middle
    assert [c["start_seconds"] for c in manifest["chapters"]] == [
        0.0,
        2.0,
        4.0,
        6.0,
    ]  # cuts at 2.5, 5, 7.5
    [silence] = manifest["silences"]
    assert silence["start_seconds"] == pytest.approx(3.5, abs=0.2)
    assert silence["end_seconds"] == pytest.approx(6.0, abs=0.2)
    # the download is a faststart MP4
    atoms = top_level_atoms(os.path.join(final, "download.mp4"))
    assert atoms.index("moov") < atoms.index("mdat")
    # storyboard + thumbnails track + poster
    vtt = (tmp_path / "published" / "thumbnails.vtt").read_text()
    assert "storyboard-001.jpg#xywh=160,0,160,90" in vtt
    poster = ffprobe_json(os.path.join(final, "poster.jpg"), "-show_streams")["streams"][0]
    assert (poster["width"], poster["height"]) == (320, 180)
    # progress only goes forward and ends at 100; playable before the download exists
    assert progress == sorted(progress) and progress[-1] == 100
    first_playable = next(e for e in events if e["hls"])
    assert first_playable["mp4"] is None and first_playable["status"] == "processing"


def test_running_twice_gives_the_same_result(media, tmp_path):
    final, first, _, _ = run(media.moving, tmp_path)
    files = tree(final)
    _, second, _, _ = run(media.moving, tmp_path)
    assert second == first
    assert tree(final) == files
    assert not os.listdir(tmp_path / ".work")  # no temp folder left behind


def test_settings_change_replaces_old_renditions(media, tmp_path):
    final, first, _, _ = run(media.moving, tmp_path)
    _, second, _, _ = run(media.moving, tmp_path, replace(FAST, loudnorm=True))
    assert second["fingerprint"] != first["fingerprint"]
    dirs = {e for e in os.listdir(final) if os.path.isdir(os.path.join(final, e))}
    assert dirs == {r["dir"] for r in second["renditions"]}


def test_h264_aac_is_remuxed(media, tmp_path):
    final, manifest, _, _ = run(media.h264_aac, tmp_path)
    assert manifest["mode"] == "remux"
    [video] = [r for r in manifest["renditions"] if r["kind"] == "video"]
    assert (video["width"], video["height"]) == (320, 240)
    atoms = top_level_atoms(os.path.join(final, "download.mp4"))
    assert atoms.index("moov") < atoms.index("mdat")


def _segment_durations(playlist: str) -> list[float]:
    with open(playlist, encoding="utf-8") as fh:
        return [float(line[8:].rstrip(",\n")) for line in fh if line.startswith("#EXTINF:")]


def test_a_copy_is_playable_first_then_gets_its_lower_rung(media, tmp_path):
    final, manifest, events, progress = run(media.h264_aac_480, tmp_path)
    assert manifest["mode"] == "remux" and manifest["status"] == "ready"
    playable = [e for e in events if e.get("hls")]
    first_heights = [r["height"] for r in playable[0]["renditions"] if r["kind"] == "video"]
    assert first_heights == [480]  # the copy alone is already a replay
    assert playable[0]["mp4"] is None or playable[0]["mp4"] == "download.mp4"
    streams = master_variants(os.path.join(final, "master.m3u8"))
    videos = sorted((s["width"], s["height"]) for s in streams if s["codec_type"] == "video")
    assert videos == [(480, 360), (640, 480)]
    by_height = {r["height"]: r for r in manifest["renditions"] if r["kind"] == "video"}
    low = _segment_durations(os.path.join(final, by_height[360]["dir"], "index.m3u8"))
    copy = _segment_durations(os.path.join(final, by_height[480]["dir"], "index.m3u8"))
    assert len(low) == len(copy) > 1  # segments cut at the same instants: clean switching
    assert low == pytest.approx(copy, abs=0.05)
    assert by_height[360]["bandwidth"] < by_height[480]["bandwidth"]
    assert progress == sorted(progress) and progress[-1] == 100.0


def test_audio_only_replays_as_audio_with_a_poster(media, tmp_path):
    final, manifest, _, _ = run(media.audio_only, tmp_path)
    streams = master_variants(os.path.join(final, "master.m3u8"))
    assert {s["codec_type"] for s in streams} == {"audio"}
    assert manifest["poster"] == "poster.jpg" and os.path.getsize(f"{final}/poster.jpg") > 0
    assert manifest["thumbnails"] is None
    assert manifest["silences"][0]["start_seconds"] == pytest.approx(1.0, abs=0.2)


@pytest.mark.parametrize(
    ("sample", "size"),
    [("rotated", (240, 320)), ("odd", (320, 240)), ("vfr", (320, 240)), ("webm", (320, 240))],
)
def test_awkward_sources_are_accepted(media, tmp_path, sample, size):
    src = getattr(media, sample)
    final, manifest, _, _ = run(src, tmp_path)
    source = probe(src).video
    streams = master_variants(os.path.join(final, "master.m3u8"))
    videos = [s for s in streams if s["codec_type"] == "video"]
    assert {(s["width"], s["height"]) for s in videos} == {size}
    assert all(s["height"] <= source.display_height for s in videos)
    assert manifest["metadata"]["duration_seconds"] > 1.5


def test_surround_audio_is_downmixed_to_stereo(media, tmp_path):
    final, manifest, _, _ = run(media.surround, tmp_path)
    audio = [s for s in master_variants(f"{final}/master.m3u8") if s["codec_type"] == "audio"]
    assert audio[0]["channels"] == 2
    assert manifest["metadata"]["audio"]["channels"] == 6
