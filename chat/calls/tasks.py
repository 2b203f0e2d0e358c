from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def expire_calls():
    """Every minute (beat): rings past their time and calls a vanished process left behind."""
    return services.expire_stale_calls()
