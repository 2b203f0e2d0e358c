"""Who may do what: check_* functions load and validate, raising ChatError with a clear
message."""

from django.utils import timezone
from django.utils.translation import gettext as _

from booths.access import is_booth_staff
from booths.models import Booth

from ..models import Ban, Conversation, Mute
from .rooms import ChatError


def get_booth(booth_id) -> Booth:
    booth = Booth.objects.select_related("company", "edition").filter(pk=booth_id).first()
    if booth is None or booth.status != Booth.Status.APPROVED:
        raise ChatError("not_found", _("This booth does not exist or is not open."))
    return booth


def check_booth_staff(user, booth_id) -> Booth:
    booth = get_booth(booth_id)
    if not is_booth_staff(user, booth):
        raise ChatError("forbidden", _("Only this booth's staff may do that."))
    return booth


def check_expo_open(booth) -> None:
    """Lobbies and queues are live only while the expo is open (its dates, or the organiser's
    override); conversations already under way may finish."""
    from expo.models import expo_is_open

    if not expo_is_open(booth.edition):
        raise ChatError("expo_closed", _("The expo is closed now, so chat is closed too."))


def check_can_post(user, booth) -> None:
    """Signed in, active, not banned, not muted at this booth."""
    if not user.is_authenticated:
        raise ChatError("sign_in", _("Sign in to chat."))
    if not user.is_active:
        raise ChatError("forbidden", _("This account is disabled."))
    if Ban.objects.filter(user=user).exists():
        raise ChatError("banned", _("You are banned from the chats of this expo."))
    mute = (
        Mute.objects.filter(booth=booth, user=user, until__gt=timezone.now())
        .order_by("-until")
        .first()
    )
    if mute is not None:
        until = timezone.localtime(mute.until).strftime("%H:%M")
        raise ChatError("muted", _("You are muted in this booth until %(time)s.") % {"time": until})


def check_conversation_access(user, conversation_id) -> Conversation:
    """The two sides and organiser staff; everyone else gets "not found" (ids leak nothing)."""
    conversation = (
        Conversation.objects.select_related("booth__company", "room", "talent", "recruiter")
        .filter(pk=conversation_id)
        .first()
    )
    if (
        conversation is None
        or not user.is_authenticated
        or not user.is_active
        or not (
            user.pk in (conversation.talent_id, conversation.recruiter_id)
            or user.is_staff
            or (
                conversation.status == Conversation.Status.LEFT_MESSAGE
                and is_booth_staff(user, conversation.booth)
            )
        )
    ):
        raise ChatError("not_found", _("This conversation does not exist."))
    return conversation
