from celery import shared_task

from . import running


# Named as before the organiser app existed, so that jobs queued then still run.
@shared_task(name="expo.imports.tasks.check_import")
def check_import(job_id):
    running.check(job_id)


@shared_task(name="expo.imports.tasks.run_import")
def run_import(job_id):
    running.do_import(job_id)
