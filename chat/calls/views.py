"""Declining a call from the notification shown on any page (no conversation socket there)."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from chat.actions.rooms import ChatError

from . import services


@login_required
@require_POST
def decline(request, call_id):
    try:
        call = services.do_decline(request.user, call_id)
    except ChatError as error:
        status = 404 if error.code == "not_found" else 403
        return JsonResponse({"error": error.message, "code": error.code}, status=status)
    return JsonResponse({"call": call.pk, "state": call.status})
