"""probe → plan → transcode → publish (progressively) → index → manifest. No database here."""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
import threading
from collections.abc import Callable

from recordings.media import commands
from recordings.media.errors import TRANSCODE_FAILED, MediaError
from recordings.media.index import build_index
from recordings.media.plan import TranscodePlan, plan_transcode
from recordings.media.probe import MediaInfo, probe
from recordings.media.publish import (
    master_playlist,
    playlist_bandwidth,
    publish_dir,
    publish_file,
    remove_unlisted,
    write_json,
)
from recordings.media.settings import MediaSettings
from recordings.media.transcode import Task, run_tasks

MANIFEST = "manifest.json"
MASTER = "master.m3u8"
DOWNLOAD = "download.mp4"

# Share of the progress bar per stage (probe, transcode, download file, index).
_STAGES = {"probe": (0, 3), "transcode": (3, 88), "mp4": (88, 91), "index": (91, 99)}

Progress = Callable[[float], None]
Published = Callable[[dict], None]


def _scaled(progress: Progress | None, stage: str) -> Progress:
    return _span(progress, *_STAGES[stage])


def _span(progress: Progress | None, lo: float, hi: float) -> Progress:
    def report(pct: float) -> None:
        if progress:
            progress(lo + (hi - lo) * pct / 100)

    return report


def read_manifest(final_dir: str) -> dict | None:
    import json

    try:
        with open(os.path.join(final_dir, MANIFEST), encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        return None


def _entry(plan: TranscodePlan, spec, final_dir: str) -> dict:
    folder = plan.dirname(spec)
    peak, avg = playlist_bandwidth(os.path.join(final_dir, folder, "index.m3u8"))
    return {
        "name": spec.name,
        "kind": spec.kind,
        "dir": folder,
        "width": spec.width,
        "height": spec.height,
        "codec": spec.codec,
        "bandwidth": peak,
        "average_bandwidth": avg,
    }


def process_media(
    src: str,
    final_dir: str,
    *,
    work_root: str,
    settings: MediaSettings | None = None,
    progress: Progress | None = None,
    on_publish: Published | None = None,
    info: MediaInfo | None = None,
) -> dict:
    """Turn ``src`` into a published replay in ``final_dir``; return the manifest.

    Safe to run again (after a crash or on a finished recording): renditions already published
    by the same plan are kept, everything else is redone in a fresh temp folder inside
    ``work_root`` (same filesystem as ``final_dir``) and renamed into place.
    """
    settings = settings or MediaSettings()
    os.makedirs(final_dir, exist_ok=True)
    os.makedirs(work_root, exist_ok=True)
    info = info or probe(src)
    _scaled(progress, "probe")(100)
    plan = plan_transcode(info, settings)
    manifest = {
        "version": 1,
        "status": "processing",
        "mode": plan.mode,
        "fingerprint": plan.fingerprint,
        "metadata": info.metadata(),
        "renditions": [],
        "hls": None,
        "mp4": None,
        "poster": None,
        "storyboard": [],
        "thumbnails": None,
        "chapters": [],
        "silences": [],
    }
    fps = info.video.fps if info.video else None
    work = tempfile.mkdtemp(prefix="job-", dir=work_root)
    try:

        def publish_rendition(task: Task) -> None:
            spec = next(r for r in plan.renditions if r.name == task.name)
            folder = plan.dirname(spec)
            if task.args:
                publish_dir(os.path.join(work, folder), final_dir, folder)
            manifest["renditions"].append(_entry(plan, spec, final_dir))
            order = {r.name: i for i, r in enumerate(plan.renditions)}
            manifest["renditions"].sort(key=lambda e: order[e["name"]])
            playable = any(e["kind"] == "video" for e in manifest["renditions"]) or info.audio_only
            if playable:
                publish_file(
                    _write(work, MASTER, master_playlist(manifest["renditions"], fps)), final_dir
                )
                manifest["hls"] = MASTER
            write_json(os.path.join(final_dir, MANIFEST), manifest)
            if on_publish:
                on_publish(copy.deepcopy(manifest))

        smallest = min(plan.video, key=lambda r: r.height, default=None)
        top, audio = plan.top_video, plan.audio
        # A copy indexes from itself: its lower rungs come later, and the index must not wait.
        index_video = top if plan.mode == "remux" else smallest
        video_pl = os.path.join(final_dir, plan.dirname(top), "index.m3u8") if top else None
        audio_pl = os.path.join(final_dir, plan.dirname(audio), "index.m3u8") if audio else None
        index_dir = os.path.join(work, "index")
        os.makedirs(index_dir)
        indexer = _Indexer(
            needs={r.name for r in (index_video, audio) if r},
            out_dir=index_dir,
            duration=info.duration,
            poster_src=src,
            video_src=os.path.join(final_dir, plan.dirname(index_video), "index.m3u8")
            if index_video
            else None,
            video_size=(index_video.width, index_video.height) if index_video else None,
            audio_src=audio_pl,
            settings=settings,
        )

        def rendition_done(task: Task) -> None:
            publish_rendition(task)
            indexer.published(task.name)  # indexing overlaps the higher renditions' encoding

        later = {r.name for r in plan.secondary}
        tasks, extra, already = [], [], []
        for spec, args in zip(
            plan.renditions, plan.commands(src, work, settings, info).values(), strict=True
        ):
            if os.path.isfile(os.path.join(final_dir, plan.dirname(spec), "index.m3u8")):
                already.append(Task(spec.name, []))
                continue
            os.makedirs(os.path.join(work, plan.dirname(spec)))
            task = Task(spec.name, args, weight=spec.weight, nice=spec.nice)
            (extra if spec.name in later else tasks).append(task)
        lo, hi = _STAGES["transcode"]
        first_weight = sum(t.weight for t in tasks)
        split = lo + (hi - lo) * first_weight / ((first_weight + sum(t.weight for t in extra)) or 1)
        try:
            for task in already:
                rendition_done(task)
            run_tasks(
                tasks, info.duration, progress=_span(progress, lo, split), on_done=rendition_done
            )
            mp4_tmp = os.path.join(work, DOWNLOAD)
            done = commands.run(commands.mp4_command(video_pl, audio_pl, mp4_tmp))
            if done.returncode != 0:
                raise MediaError(TRANSCODE_FAILED, f"mp4: {done.stderr[-1000:]}")
            publish_file(mp4_tmp, final_dir)
            manifest["mp4"] = DOWNLOAD
            write_json(os.path.join(final_dir, MANIFEST), manifest)
            if extra:  # after the copy is playable: the lower rungs, at the lowest priority
                run_tasks(
                    extra,
                    info.duration,
                    progress=_span(progress, split, hi),
                    on_done=rendition_done,
                )

            _scaled(progress, "mp4")(100)
            write_json(os.path.join(final_dir, MANIFEST), manifest)
        except BaseException:
            indexer.wait()  # let a started indexing pass end before the temp folder goes
            raise
        result = indexer.result()  # waits for the indexing thread (and re-raises its error)
        for name in os.listdir(index_dir):
            publish_file(os.path.join(index_dir, name), final_dir)
        manifest.update(
            poster=result.poster,
            storyboard=result.storyboard,
            thumbnails=result.thumbnails_vtt,
            chapters=result.chapters,
            silences=result.silences,
            status="ready",
        )
        _scaled(progress, "index")(100)
        keep = {MANIFEST, MASTER, DOWNLOAD, *result.storyboard}
        keep |= {e["dir"] for e in manifest["renditions"]}
        keep |= {n for n in (result.poster, result.thumbnails_vtt) if n}
        keep |= {n for n in os.listdir(final_dir) if n.startswith("captions")}
        write_json(os.path.join(final_dir, MANIFEST), manifest)
        remove_unlisted(final_dir, keep)
        if on_publish:
            on_publish(copy.deepcopy(manifest))
        if progress:
            progress(100.0)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


class _Indexer:
    """Runs build_index in a thread once the renditions it reads are published."""

    def __init__(self, needs: set[str], **kwargs):
        self.needs, self.kwargs = set(needs), kwargs
        self.thread: threading.Thread | None = None
        self.value = None
        self.error: BaseException | None = None
        if not self.needs:
            self._start()

    def _run(self) -> None:
        try:
            self.value = build_index(**self.kwargs)
        except BaseException as exc:  # handed to the caller in result()
            self.error = exc

    def _start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="index", daemon=True)
        self.thread.start()

    def published(self, name: str) -> None:
        self.needs.discard(name)
        if not self.needs and self.thread is None:
            self._start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()

    def result(self):
        if self.thread is None:  # a rendition failed before indexing could start
            raise MediaError(TRANSCODE_FAILED, "renditions for the index are missing")
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value


def _write(folder: str, name: str, text: str) -> str:
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path
