"""The on-demand replay: the file, seekable (HTTP Range), only for those allowed to see the
session; and its conversion progress for the host's page (an htmx fragment)."""

import os
import re

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from expo.schedule.models import Session

from .models import Replay
from .replays import may_watch

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _replay_for(request, pk) -> tuple[Session, Replay]:
    session = get_object_or_404(Session.objects.select_related("host_booth"), pk=pk)
    replay = Replay.objects.filter(session=session).first()
    if replay is None or not may_watch(request.user, session):
        raise Http404("No replay here.")
    return session, replay


class RangeFile:
    """Up to `length` bytes of an open file from its current position, in chunks."""

    def __init__(self, handle, length):
        self.handle, self.remaining = handle, length

    def __iter__(self):
        while self.remaining > 0:
            data = self.handle.read(min(CHUNK, self.remaining))
            if not data:
                break
            self.remaining -= len(data)
            yield data

    def close(self):
        self.handle.close()


@login_required
@require_GET
def replay_file(request, pk):
    _session, replay = _replay_for(request, pk)
    if replay.status != Replay.Status.READY or not os.path.exists(replay.file):
        raise Http404("The replay is not ready.")
    size = os.path.getsize(replay.file)
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or match.groups() == ("", ""):
        response = FileResponse(open(replay.file, "rb"), content_type="video/mp4")  # noqa: SIM115
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "private, max-age=3600"
        return response
    first, last = match.groups()
    if first == "":  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = open(replay.file, "rb")  # noqa: SIM115 (closed by the response)
    handle.seek(start)
    response = FileResponse(RangeFile(handle, end - start + 1), status=206)
    response["Content-Type"] = "video/mp4"
    response["Content-Length"] = str(end - start + 1)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def replay_status(request, pk):
    """The replay panel of the session page, refreshed while the conversion runs."""
    session, replay = _replay_for(request, pk)
    context = {"session": session, "replay": replay, "is_host": session.is_host(request.user)}
    return render(request, "chat/liveroom/_replay.html", context)
