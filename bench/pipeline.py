"""Benchmark the recording pipeline against the bare ffmpeg commands it is built from.

    .venv/bin/python bench/pipeline.py [--cache instance/bench-cache] [--skip-long]

Generates once (cached outside git) a 10-minute 720p slide-style recording with a small moving
webcam inset, as a browser would record it (VP8/Opus WebM, so it must be transcoded), plus an
H.264/AAC copy (remux path) and a 60-minute WebM (the 10 minutes six times, stream-copied).
Then it times, on the same plan and the same command lines (recordings.media.commands):

- bare, one process with split: the whole ladder from one ffmpeg, then the MP4 remux;
- bare, one process per rendition, one after the other, then the MP4 remux;
- bare, one process per rendition, all at once, then the MP4 remux;
- the pipeline (recordings.media.process_media in a worker-like child process): probe with an
  integrity pass, the same per-rendition commands side by side with lower renditions first,
  progressive publication, MP4, poster, storyboard, chapters, silences, manifest;
- bare, the H.264/AAC copy: the stream copies, then the lower rungs (360p) side by side;
- the pipeline on the H.264/AAC copy (remux path: the copy is playable first, then the lower
  rungs join the master playlist) and on 60 minutes of input.

Peak RSS is the largest sum of resident memory over the process tree (sampled every 0.1 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from recordings.media import MediaSettings, plan_transcode, probe  # noqa: E402
from recordings.media import commands as ff  # noqa: E402

MINUTES = 10
SLIDE = 30  # seconds per slide


def generate(cache: str, minutes: int = MINUTES) -> dict[str, str]:
    os.makedirs(cache, exist_ok=True)
    names = (f"talk-{minutes}min.webm", f"talk-{minutes}min.mp4", f"talk-{6 * minutes}min.webm")
    webm, mp4, long = (os.path.join(cache, n) for n in names)
    seconds = minutes * 60
    if not (os.path.exists(webm) and os.path.exists(mp4)):
        print(f"generating {minutes}-minute sources in {cache} (once) ...", flush=True)
        slide = (
            f"color=c=white:s=1280x720:r=30:d={seconds}[bg];"
            f"[bg]drawbox=x=0:y=0:w=1280:h=110:c=0x1e3a8a:t=fill,"
            f"drawtext=text='Module %{{eif\\:floor(t/{SLIDE})+1\\:d}}':fontsize=56:"
            f"fontcolor=white:x=60:y=28,"
            f"drawbox=x=80:y=180+mod(floor(t/{SLIDE})*37\\,200):w=700:h=26:c=0x334155:t=fill,"
            f"drawbox=x=80:y=260:w=500+mod(floor(t/{SLIDE})*91\\,400):h=26:c=0x64748b:t=fill,"
            f"drawbox=x=80:y=340:w=600:h=26:c=0x64748b:t=fill,"
            f"hue=h=floor(t/{SLIDE})*25[slides];"
            f"[0:v]scale=256:144[cam];"
            f"[slides][cam]overlay=x='W-w-30-60*sin(t/5)':y='H-h-30-20*cos(t/3)',format=yuv420p[v]"
        )
        subprocess.run(
            [
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", f"testsrc2=s=320x180:r=30:d={seconds}",
                "-f", "lavfi", "-i",
                f"sine=f=180:sample_rate=48000:d={seconds},volume='0.3+0.2*sin(t)':eval=frame",
                "-filter_complex", slide,
                "-map", "[v]", "-map", "1:a",
                "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "1500k",
                "-c:a", "libopus", "-b:a", "64k", webm,
            ],
            check=True,
        )  # fmt: skip
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", webm,
             "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", mp4],
            check=True,
        )  # fmt: skip
    if not os.path.exists(long):
        listing = os.path.join(cache, f"six-{minutes}.txt")
        with open(listing, "w") as fh:
            fh.write("".join(f"file '{os.path.basename(webm)}'\n" for _ in range(6)))
        subprocess.run(
            ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0",
             "-i", listing, "-c", "copy", long],
            check=True,
        )  # fmt: skip
    return {"webm": webm, "mp4": mp4, "long": long}


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


class Run:
    """Start processes, sample the RSS of their trees, record when each one ends."""

    def __init__(self):
        self.start = time.monotonic()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu_start = usage.ru_utime + usage.ru_stime
        self.peak_kb = 0
        self.ended: dict[str, float] = {}
        self.lines: list[tuple[float, str]] = []

    def sample(self, procs) -> None:
        self.peak_kb = max(self.peak_kb, sum(_tree_rss_kb(p.pid) for p in procs))

    def parallel(self, named: list[tuple[str, list[str]]], capture: bool = False) -> None:
        procs = {
            name: subprocess.Popen(
                args, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, text=True
            )
            for name, args in named
        }
        if capture:
            import threading

            def read(name, proc):
                for line in proc.stdout:
                    self.lines.append((time.monotonic() - self.start, line.strip()))

            for name, proc in procs.items():
                threading.Thread(target=read, args=(name, proc), daemon=True).start()
        while procs:
            self.sample(procs.values())
            for name, proc in list(procs.items()):
                if proc.poll() is not None:
                    if proc.returncode:
                        raise SystemExit(f"{name} failed ({proc.returncode}): {proc.args}")
                    self.ended[name] = time.monotonic() - self.start
                    del procs[name]
            time.sleep(0.1)

    @property
    def wall(self) -> float:
        return time.monotonic() - self.start

    @property
    def cpu(self) -> float:
        """CPU seconds of the finished processes and their waited-for children: a measure of
        the work done that other load on the machine disturbs much less than wall time."""
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime - self.cpu_start


def bare(kind: str, src: str, out: str, settings: MediaSettings) -> dict:
    info = probe(src, check_integrity=False)
    plan = plan_transcode(info, settings)
    for r in plan.renditions:
        os.makedirs(os.path.join(out, plan.dirname(r)), exist_ok=True)
    cmds = plan.commands(src, out, settings, info)
    lowest = min(plan.video, key=lambda r: r.height).name
    run = Run()
    if kind == "remux":  # the copies, then the lower rungs beside each other
        later = {r.name for r in plan.secondary}
        run.parallel([(n, a) for n, a in cmds.items() if n not in later])
        first = max(run.ended.values())
        run.parallel([(n, a) for n, a in cmds.items() if n in later])
    elif kind == "split":
        run.parallel([("ladder", ff.ladder_split_command(src, plan, out, settings, info))])
        first = run.ended["ladder"]
    elif kind == "sequential":
        for name, args in cmds.items():
            run.parallel([(name, args)])
        first = run.ended[lowest]
    else:
        run.parallel(list(cmds.items()))
        first = run.ended[lowest]
    full = max(run.ended.values())
    top = os.path.join(out, plan.dirname(plan.top_video), "index.m3u8")
    aud = os.path.join(out, plan.dirname(plan.audio), "index.m3u8")
    run.parallel([("mp4", ff.mp4_command(top, aud, os.path.join(out, "download.mp4")))])
    return {
        "wall": run.wall,
        "cpu": run.cpu,
        "first": first,
        "full": full,
        "rss_mb": run.peak_kb / 1024,
        "commands": [ff.ladder_split_command(src, plan, out, settings, info)]
        if kind == "split"
        else list(cmds.values()),
    }


def pipeline(src: str, out: str) -> dict:
    run = Run()
    child = [sys.executable, os.path.abspath(__file__), "--child", src, out]
    run.parallel([("pipeline", child)], capture=True)
    events = [(t, json.loads(line)) for t, line in run.lines if line.startswith("{")]
    first = next(t for t, e in events if e.get("hls"))
    rungs = len(plan_transcode(probe(src, check_integrity=False)).video)
    full = next(t for t, e in events if e.get("videos") == rungs)
    return {
        "wall": run.wall,
        "cpu": run.cpu,
        "first": first,
        "full": full,
        "rss_mb": run.peak_kb / 1024,
        "mode": events[-1][1]["mode"],
    }


def child(src: str, out: str) -> None:
    from recordings.media import process_media

    def published(manifest: dict) -> None:
        videos = sum(r["kind"] == "video" for r in manifest["renditions"])
        line = {"hls": manifest["hls"], "mode": manifest["mode"], "videos": videos}
        print(json.dumps(line), flush=True)

    process_media(
        src,
        os.path.join(out, "published"),
        work_root=os.path.join(out, ".work"),
        on_publish=published,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", default=os.path.join(ROOT, "instance", "bench-cache"))
    parser.add_argument("--skip-long", action="store_true", help="no 6x-longer run")
    parser.add_argument("--minutes", type=int, default=MINUTES, help="length of the input")
    parser.add_argument("--repeat", type=int, default=1, help="runs per recipe (best kept)")
    parser.add_argument("--print-commands", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    src = generate(args.cache, args.minutes)
    settings = MediaSettings()
    duration = probe(src["webm"], check_integrity=False).duration
    rows = []
    scratch = tempfile.mkdtemp(prefix="copa-bench-", dir=args.cache)

    def fresh(name):
        path = os.path.join(scratch, name)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
        return path

    short, long_name = f"pipeline ({args.minutes} min)", f"pipeline ({6 * args.minutes} min)"
    recipes = [
        (f"bare ffmpeg, {kind}", duration, lambda k=kind: bare(k, src["webm"], fresh(k), settings))
        for kind in ("split", "sequential", "parallel")
    ]
    recipes.append((short, duration, lambda: pipeline(src["webm"], fresh("pipe"))))
    remux_duration = probe(src["mp4"], check_integrity=False).duration
    recipes.append(("bare ffmpeg, remux + rungs", remux_duration,
                    lambda: bare("remux", src["mp4"], fresh("brmx"), settings)))  # fmt: skip
    recipes.append(("pipeline, remux path", remux_duration,
                    lambda: pipeline(src["mp4"], fresh("rmx"))))  # fmt: skip
    results: dict[str, list[dict]] = {}
    try:
        for _round in range(max(1, args.repeat)):  # interleaved: load drift hits all alike
            for name, _dur, run in recipes:
                results.setdefault(name, []).append(run())
        for name, dur, _run in recipes:
            rows.append((name, dur, min(results[name], key=lambda r: r["wall"])))
        if args.print_commands:
            for c in min(results[recipes[0][0]], key=lambda r: r["wall"])["commands"]:
                print(" ".join(c))
        if not args.skip_long:
            long_duration = probe(src["long"], check_integrity=False).duration
            rows.append((long_name, long_duration, pipeline(src["long"], fresh("long"))))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"\nload average at end: {os.getloadavg()}, cpus: {os.cpu_count()}")
    print(
        f"{'recipe':<28}{'input':>8}{'wall s':>9}{'x realtime':>12}{'CPU s':>9}"
        f"{'first playable s':>18}{'full ladder s':>15}{'peak RSS MB':>13}"
    )
    for name, dur, res in rows:
        print(
            f"{name:<28}{dur / 60:>6.0f}m{res['wall']:>9.1f}{dur / res['wall']:>12.1f}"
            f"{res['cpu']:>9.1f}{res['first']:>18.1f}{res['full']:>15.1f}{res['rss_mb']:>13.0f}"
        )
    bare_rows = [r for r in rows if r[0].startswith("bare") and "remux" not in r[0]]
    pipe = next(r for r in rows if r[0] == short)
    for what in ("wall", "cpu"):
        fastest = min(bare_rows, key=lambda r: r[2][what])
        print(
            f"pipeline / fastest bare by {what} ({fastest[0]}): "
            f"{pipe[2][what] / fastest[2][what]:.2f}x (target <= 1.10)"
        )
    remux = next(r for r in rows if r[0].endswith("remux path"))
    bare_remux = next(r for r in rows if r[0] == "bare ffmpeg, remux + rungs")
    print(
        f"remux path, first playable: {remux[1] / remux[2]['first']:.0f}x realtime (target >= 50)"
    )
    for what in ("first", "full"):
        print(
            f"remux path / bare ffmpeg, {what}: {remux[2][what]:.1f} s vs "
            f"{bare_remux[2][what]:.1f} s = {remux[2][what] / bare_remux[2][what]:.2f}x"
        )
    long = next((r for r in rows if r[0] == long_name), None)
    if long:
        print(
            f"worker peak RSS, {long_name} / {short}: "
            f"{long[2]['rss_mb'] / pipe[2]['rss_mb']:.2f} (target within 1.20)"
        )


if __name__ == "__main__":
    main()
