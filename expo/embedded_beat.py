"""Celery beat for the embedded mode: with no broker (`make run`), tasks run eagerly and no beat
process exists, so nothing would ever send a reminder or issue a certificate. `runserver` starts
this thread instead: it runs CELERY_BEAT_SCHEDULE (the same entries and the same celery
schedules a real beat uses) inside the server process, each task eagerly in the thread.

Every scheduled task claims its work in the database (select_for_update(skip_locked) and a
"done" mark in the same transaction), so a pass that overlaps a real beat or a restart repeats
nothing.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _now():
    from django.utils import timezone

    return timezone.now()


class EmbeddedBeat(threading.Thread):
    """A daemon thread running the beat schedule until stop() is called."""

    def __init__(self, schedule=None, now=_now):
        super().__init__(name="embedded-beat", daemon=True)
        from celery.schedules import maybe_schedule

        from expo.celery import app

        entries = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
        # as celery beat reads them: a number of seconds is an interval schedule
        self.schedule = {
            name: {**entry, "schedule": maybe_schedule(entry["schedule"], app=app)}
            for name, entry in entries.items()
        }
        self.now = now

        app.loader.import_default_modules()  # every app's tasks module: the registry is full
        started = now()
        # crontab entries first run at their next slot after the server started
        self.last_run = {name: started for name in self.schedule}
        self._stop = threading.Event()

    def run_pending(self) -> tuple[list[str], float]:
        """Run every entry that is due now; (names run, seconds until the next is due)."""
        from expo.celery import app

        ran, wait = [], 60.0
        for name, entry in self.schedule.items():
            due, next_in = entry["schedule"].is_due(self.last_run[name])
            if due:
                self.last_run[name] = self.now()
                try:
                    task = app.tasks[entry["task"]]  # a registered name, not an import path
                    task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
                    ran.append(name)
                except Exception:
                    logger.exception("embedded beat: %s failed", name)
                finally:
                    close_old_connections()
            wait = min(wait, max(float(next_in), 1.0))
        return ran, wait

    def run(self):
        logger.info("embedded beat: running %d scheduled tasks in-process", len(self.schedule))
        while not self._stop.is_set():
            _ran, wait = self.run_pending()
            self._stop.wait(wait)

    def stop(self):
        self._stop.set()


def should_run() -> bool:
    """Only when tasks run eagerly (no broker: a real worker and beat would do it) and not
    turned off with EMBEDDED_BEAT=0."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER and settings.EMBEDDED_BEAT)


_started: EmbeddedBeat | None = None


def start() -> EmbeddedBeat | None:
    """Start the embedded beat once per process, when it should run."""
    global _started
    if _started is None and should_run():
        _started = EmbeddedBeat()
        _started.start()
    return _started
