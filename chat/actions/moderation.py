"""Moderation: deleting messages, muting at a booth, reports."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from booths.models import Membership

from ..models import Conversation, Event, Message, Mute, Report
from .access import check_conversation_access, get_booth, is_booth_staff
from .rooms import ChatError, emit, lobby_room, locked_room


def _booth_of_room(room_key) -> int | None:
    kind, _sep, rest = room_key.partition(".")
    if kind == "lobby":
        return int(rest)
    if kind == "conv":
        return Conversation.objects.filter(pk=int(rest)).values_list("booth_id", flat=True).first()
    return None


def _can_see_room(user, room_key) -> bool:
    if room_key.startswith("lobby."):
        return True
    if room_key.startswith("conv."):
        try:
            check_conversation_access(user, int(room_key.split(".")[1]))
        except ChatError:
            return False
        return True
    return False


def check_moderator(user, message_id) -> Message:
    message = Message.objects.select_related("room").filter(pk=message_id).first()
    booth_id = _booth_of_room(message.room.key) if message is not None else None
    if message is None or booth_id is None:
        raise ChatError("not_found", _("This message does not exist."))
    if not (
        user.is_staff or Membership.objects.filter(user=user, company__booths=booth_id).exists()
    ):
        raise ChatError("forbidden", _("Only the booth's staff and organisers moderate."))
    return message


def do_delete_message(user, message_id) -> None:
    """The message disappears for everyone (live, and on replay)."""
    with transaction.atomic():
        message = check_moderator(user, message_id)
        updated = Message.objects.filter(pk=message.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=user
        )
        if updated:
            emit(locked_room(message.room.key), Event.Kind.DELETED, data={"message_id": message.pk})


def do_mute(staff_user, booth_id, user_id, minutes) -> Mute:
    booth = get_booth(booth_id)
    if not (staff_user.is_staff or is_booth_staff(staff_user, booth)):
        raise ChatError("forbidden", _("Only the booth's staff and organisers moderate."))
    if not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise ChatError("invalid", _("Mute for 1 minute to 24 hours."))
    if Membership.objects.filter(user_id=user_id, company_id=booth.company_id).exists():
        raise ChatError("invalid", _("Colleagues cannot be muted."))
    from accounts.models import User

    if not User.objects.filter(pk=user_id).exists():
        raise ChatError("not_found", _("This user does not exist."))
    return Mute.objects.create(
        booth=booth,
        user_id=user_id,
        until=timezone.now() + timedelta(minutes=minutes),
        muted_by=staff_user,
    )


def do_report(user, message_id, reason="") -> Report:
    if not user.is_authenticated:
        raise ChatError("sign_in", _("Sign in to report a message."))
    message = Message.objects.select_related("room").filter(pk=message_id).first()
    if message is None or not _can_see_room(user, message.room.key):
        raise ChatError("not_found", _("This message does not exist."))
    report, _created = Report.objects.get_or_create(
        message=message, reporter=user, defaults={"reason": str(reason or "")[:500]}
    )
    return report


def open_reports(booth):
    """Unresolved reports on messages of this booth's lobby and conversations."""
    return (
        Report.objects.filter(resolved=False)
        .filter(
            Q(message__room__key=lobby_room(booth.pk)) | Q(message__room__conversation__booth=booth)
        )
        .select_related("message__author", "reporter")
        .order_by("-created_at")
    )
