"""From Janus's recordings to the session's on-demand replay: one MP4 (H.264 and AAC, the
index at the front so that a browser can seek at once) with the host's video and everyone's
audio on stage, on the timeline of the session.

Janus records each publisher's streams as .mjr files named
`videoroom-<room>-user-<publisher id>-<timestamp>-<audio|video|data>-<index>.mjr` in the room's
folder. `janus-pp-rec` (Debian's janus-tools) turns each into a playable file and tells when its
first packet was written; ffmpeg places them on one timeline: the main host's video tracks
over a dark canvas (a later track, such as a screen shared after the camera, covers an
earlier one while both run), every audio track mixed, from the first packet recorded to the
last. Progress is ffmpeg's own (-progress), saved on the Replay row for the host's page.
"""

import json
import logging
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FILENAME = re.compile(
    r"^videoroom-(?P<room>\d+)-user-(?P<feed>\d+)-(?P<stamp>\d+)-(?P<kind>audio|video)-\d+\.mjr$"
)
WIDTH, HEIGHT, FPS = 1280, 720, 25
TOOL_TIMEOUT = 600


class ConversionError(RuntimeError):
    pass


@dataclass
class Track:
    path: Path
    feed: int
    kind: str  # "audio" or "video"
    start: float = 0.0  # seconds since the epoch of the first packet written
    duration: float = 0.0
    media: Path | None = None  # the converted file


def missing_tools() -> list[str]:
    """What the converter needs and this machine lacks (Debian package names)."""
    missing = []
    if not shutil.which("janus-pp-rec"):
        missing.append("janus-tools")
    if not shutil.which("ffmpeg") or not shutil.which("ffprobe"):
        missing.append("ffmpeg")
    return missing


def find_tracks(folder: Path) -> list[Track]:
    tracks = []
    for path in sorted(folder.glob("*.mjr")):
        match = FILENAME.match(path.name)
        if match and path.stat().st_size > 0:
            tracks.append(Track(path, int(match["feed"]), match["kind"]))
    return tracks


def _run(args: list[str], timeout: float = TOOL_TIMEOUT) -> str:
    result = subprocess.run(  # noqa: S603  (our own arguments, no shell)
        args, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise ConversionError(f"{Path(args[0]).name} failed: {result.stderr[-800:]}")
    return result.stdout


def probe_duration(path: Path) -> float:
    out = _run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)]
    )
    try:
        return float(json.loads(out)["format"]["duration"])
    except (KeyError, TypeError, ValueError):
        return 0.0


def prepare(track: Track, work: Path) -> Track | None:
    """janus-pp-rec: read the header (when the first packet came), write a playable file."""
    header = json.loads(_run(["janus-pp-rec", "-j", "-d", "0", str(track.path)]) or "{}")
    first_written = header.get("u") or header.get("s")
    if not first_written:
        return None
    track.start = first_written / 1_000_000
    suffix = ".opus" if track.kind == "audio" else ".webm"
    track.media = work / (track.path.stem + suffix)
    try:
        _run(["janus-pp-rec", "-d", "0", str(track.path), str(track.media)])
    except ConversionError as error:
        log.warning("skipping %s: %s", track.path.name, error)
        return None
    if not track.media.exists() or track.media.stat().st_size == 0:
        return None
    track.duration = probe_duration(track.media)
    return track if track.duration > 0 else None


def build_command(
    videos: list[Track], audios: list[Track], output: Path, window: tuple | None = None
) -> tuple[list, float]:
    """The ffmpeg command that lays the tracks on one timeline; and its duration. The timeline
    is `window` (the session's time live, as epoch seconds) when known, so the replay covers
    the whole live session; otherwise the span of the recordings."""
    tracks = videos + audios
    origin = min(t.start for t in tracks)
    finish = max(t.start + t.duration for t in tracks)
    if window is not None:
        origin, finish = window
    duration = finish - origin
    args = ["ffmpeg", "-y", "-hide_banner", "-nostats", "-loglevel", "error"]
    args += ["-f", "lavfi", "-i", f"color=c=0x1a1d21:s={WIDTH}x{HEIGHT}:r={FPS}:d={duration:.3f}"]
    for track in tracks:
        args += ["-i", str(track.media)]
    graph, last = [], "[0:v]"
    for number, track in enumerate(videos, start=1):
        offset = track.start - origin
        graph.append(
            f"[{number}:v]setpts=PTS-STARTPTS{offset:+.3f}/TB,"
            f"scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,"
            f"pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2:color=0x1a1d21[v{number}]"
        )
        graph.append(f"{last}[v{number}]overlay=eof_action=pass[o{number}]")
        last = f"[o{number}]"
    graph.append(f"{last}format=yuv420p[vout]")
    if audios:
        labels = []
        for number, track in enumerate(audios, start=1 + len(videos)):
            offset = track.start - origin
            shift = (
                f"adelay={round(offset * 1000)}:all=1"
                if offset >= 0
                else f"atrim=start={-offset:.3f},asetpts=PTS-STARTPTS"
            )
            graph.append(f"[{number}:a]aresample=48000,{shift}[a{number}]")
            labels.append(f"[a{number}]")
        graph.append(
            f"{''.join(labels)}amix=inputs={len(labels)}:duration=longest:normalize=0[aout]"
        )
    args += ["-filter_complex", ";".join(graph), "-map", "[vout]"]
    if audios:
        args += ["-map", "[aout]", "-c:a", "aac", "-b:a", "96k"]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "27", "-r", str(FPS)]
    args += ["-t", f"{duration:.3f}", "-movflags", "+faststart", "-progress", "pipe:1"]
    args.append(str(output))
    return args, duration


def convert(
    folder: Path,
    output: Path,
    host_feeds: list[int],
    window: tuple | None = None,
    on_progress: Callable[[int], None] = lambda percent: None,
) -> float:
    """Convert a room's recordings into `output`; returns its duration in seconds. The video
    is the first host's (the host who started publishing first) and the audio everyone's, on
    the timeline of `window` (start and end of the time live, epoch seconds) when given."""
    tracks = find_tracks(folder)
    if not tracks:
        raise FileNotFoundError(f"no recordings in {folder}")
    work = output.parent / (output.stem + ".work")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        prepared = [t for t in (prepare(track, work) for track in tracks) if t is not None]
        on_progress(10)
        hosts = [t for t in prepared if t.feed in host_feeds and t.kind == "video"]
        main_feed = min(hosts, key=lambda t: t.start).feed if hosts else None
        videos = sorted(
            (t for t in prepared if t.kind == "video" and t.feed == main_feed),
            key=lambda t: t.start,
        )
        audios = [t for t in prepared if t.kind == "audio"]
        if not videos and not audios:
            raise FileNotFoundError(f"no playable recordings in {folder}")
        args, duration = build_command(videos, audios, output.with_suffix(".part.mp4"), window)
        _ffmpeg_with_progress(args, duration, on_progress)
        output.with_suffix(".part.mp4").replace(output)
        return probe_duration(output)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _ffmpeg_with_progress(args, duration, on_progress):
    process = subprocess.Popen(  # noqa: S603  (our own arguments, no shell)
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    last = 10
    for line in process.stdout:
        key, _sep, value = line.strip().partition("=")
        if key == "out_time_us" and value.isdigit() and duration > 0:
            percent = 10 + int(89 * min(1.0, int(value) / 1_000_000 / duration))
            if percent >= last + 3:
                last = percent
                on_progress(percent)
    stderr = process.stderr.read()
    if process.wait(timeout=TOOL_TIMEOUT):
        raise ConversionError(f"ffmpeg failed: {stderr[-800:]}")
