from celery import shared_task

from . import services


@shared_task
def check_import(job_id):
    services.check(job_id)


@shared_task
def run_import(job_id):
    services.do_import(job_id)
