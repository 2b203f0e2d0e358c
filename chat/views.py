"""Pages of live chat: the staff console, a conversation, my conversations, a booth's live chat.
Access goes through check_conversation_access / booths.access, so no view forgets it."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import TalentProfile, User
from booths.access import booth_for_staff, membership_for
from booths.models import Booth
from expo.context_processors import current_edition
from jobs.models import Job

from .actions.access import check_conversation_access
from .actions.conversations import do_close, do_handover, do_save_note, unread_counts
from .actions.moderation import open_reports
from .actions.queue import booth_summaries as summaries_of_booths
from .actions.queue import booth_summary, queue_snapshot
from .actions.rooms import ChatError, history, lobby_room, room_last_seq, staff_room
from .calls import services as call_services
from .calls.models import Call
from .forms import CloseForm, HandoverForm, NoteForm
from .models import Conversation, Event, QueueEntry, TalentNote

CONVERSATION_PAGE = 200


def _conversation_or_404(request, conversation_id):
    try:
        return check_conversation_access(request.user, conversation_id)
    except ChatError:
        raise Http404 from None


@login_required
@require_GET
def console(request):
    edition = current_edition(request)
    if edition is None:
        raise Http404
    booth = booth_for_staff(request, edition)
    if booth.status != Booth.Status.APPROVED:
        return render(request, "chat/console_closed.html", {"booth": booth})
    conversations = list(
        Conversation.objects.filter(
            booth=booth, recruiter=request.user, status=Conversation.Status.OPEN
        ).select_related("talent")
    )
    unread = unread_counts(request.user, conversations)
    for conversation in conversations:
        conversation.unread = unread.get(conversation.pk, 0)
    wanted = request.GET.get("open", "")
    active = next((c for c in conversations if str(c.pk) == wanted), None) or next(
        iter(conversations), None
    )
    context = {
        "booth": booth,
        "active": active,
        "bookings": _coming_bookings(request.user),
        "queue": queue_snapshot(booth),
        "conversations": conversations,
        "lobby": history(lobby_room(booth.pk)),
        "lobby_room": lobby_room(booth.pk),
        "staff_room": staff_room(booth.pk),
        "staff_last_event_id": room_last_seq(staff_room(booth.pk)),
        "reports": open_reports(booth)[:20],
        "summary": booth_summary(booth),
    }
    return render(request, "chat/console.html", context)


def _coming_bookings(user, hours=12):
    """The recruiter's booked 1:1 times and interviews of the next hours, for the console."""
    from expo.schedule.meetings import decorate_bookings
    from expo.schedule.models import Booking

    now = timezone.now()
    bookings = (
        Booking.objects.filter(
            slot__recruiter=user,
            status=Booking.Status.BOOKED,
            slot__ends_at__gt=now,
            slot__starts_at__lt=now + timedelta(hours=hours),
        )
        .select_related("slot", "talent", "application__job")
        .order_by("slot__starts_at")[:20]
    )
    return decorate_bookings(list(bookings), now)


@login_required
@require_GET
def conversation(request, conversation_id):
    conv = _conversation_or_404(request, conversation_id)
    return render(request, "chat/conversation.html", _conversation_context(request, conv))


@login_required
@require_GET
def panel(request, conversation_id):
    """One conversation as a fragment for a tab of the staff console (no page around it)."""
    conv = _conversation_or_404(request, conversation_id)
    context = _conversation_context(request, conv, back=f"{reverse('chat:console')}?open={conv.pk}")
    return render(request, "chat/_conversation_panel.html", {**context, "heading": "h2"})


def _conversation_context(request, conv, back=None):
    events = list(
        Event.objects.filter(room=conv.room)
        .filter(
            Q(kind=Event.Kind.MESSAGE)
            | Q(kind=Event.Kind.CALL, data__state__in=call_services.FINISHED)
        )
        .select_related("message__author")
        .order_by("-seq")[:CONVERSATION_PAGE]
    )
    events.reverse()
    membership = membership_for(request.user)
    staff_side = membership is not None and membership.company_id == conv.booth.company_id
    is_party = request.user.pk in (conv.talent_id, conv.recruiter_id)
    context = {
        "conversation": conv,
        "events": events,
        "is_recruiter": request.user.pk == conv.recruiter_id,
        "is_talent": request.user.pk == conv.talent_id,
        # The call panel is for the two sides only; organiser staff see the call records.
        "call_panel": is_party,
        "live_call": Call.objects.live().filter(conversation=conv).first() if is_party else None,
        "other_side": conv.recruiter if request.user.pk == conv.talent_id else conv.talent,
        "staff_side": staff_side,
        "can_moderate": staff_side or request.user.is_staff,
        "back": back,
    }
    if staff_side:
        note = TalentNote.objects.filter(
            company_id=membership.company_id, talent=conv.talent
        ).first()
        ids = f"id_c{conv.pk}_%s"  # several conversations on one console page
        context.update(
            profile=TalentProfile.objects.filter(user=conv.talent).first(),
            note_form=NoteForm(
                initial={"notes": note.notes, "rating": note.rating} if note else None,
                auto_id=ids,
            ),
            close_form=CloseForm(jobs=_company_jobs(conv), auto_id=ids),
            handover_form=HandoverForm(colleagues=_colleagues(conv, request.user), auto_id=ids),
        )
    return context


def _company_jobs(conv):
    return Job.objects.filter(company_id=conv.booth.company_id, status=Job.Status.PUBLISHED)


def _colleagues(conv, user):
    return User.objects.filter(memberships__company_id=conv.booth.company_id).exclude(pk=user.pk)


def _staff_action(request, conversation_id, form_class, act, **form_kwargs):
    conv = _conversation_or_404(request, conversation_id)
    form = form_class(request.POST, **{k: v(conv) for k, v in form_kwargs.items()})
    if not form.is_valid():
        messages.error(
            request,
            _("Please correct the form: %(errors)s")
            % {"errors": "; ".join(e for errs in form.errors.values() for e in errs)},
        )
    else:
        try:
            act(conv, form.cleaned_data)
        except ChatError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)  # the console's tab of this conversation
    return redirect("chat:conversation", conv.pk)


@login_required
@require_POST
def close(request, conversation_id):
    return _staff_action(
        request,
        conversation_id,
        CloseForm,
        lambda conv, data: do_close(
            request.user, conv.pk, data["outcome"], data["note"], data["job"]
        ),
        jobs=_company_jobs,
    )


@login_required
@require_POST
def handover(request, conversation_id):
    return _staff_action(
        request,
        conversation_id,
        HandoverForm,
        lambda conv, data: do_handover(request.user, conv.pk, data["to"].pk),
        colleagues=lambda conv: _colleagues(conv, request.user),
    )


@login_required
@require_POST
def note(request, conversation_id):
    def save(conv, data):
        membership = membership_for(request.user)
        if membership is None or membership.company_id != conv.booth.company_id:
            raise ChatError("forbidden", _("Only the booth's staff keep notes."))
        do_save_note(request.user, conv.talent_id, data["notes"], data["rating"])

    return _staff_action(request, conversation_id, NoteForm, save)


@login_required
@require_GET
def my_conversations(request):
    conversations = list(
        Conversation.objects.filter(Q(talent=request.user) | Q(recruiter=request.user))
        .select_related("booth__company", "talent", "recruiter")
        .order_by("-opened_at")[:100]
    )
    unread = unread_counts(request.user, conversations)
    for conv in conversations:
        conv.unread = unread.get(conv.pk, 0)
    entries = (
        QueueEntry.objects.waiting().filter(talent=request.user).select_related("booth__company")
    )
    return render(
        request, "chat/my_conversations.html", {"conversations": conversations, "entries": entries}
    )


@require_GET
def booth_chat(request, booth_id):
    """A booth's live panel on its own page (full screen on a phone)."""
    booth = get_object_or_404(
        Booth.objects.select_related("company"), pk=booth_id, status=Booth.Status.APPROVED
    )
    return render(request, "chat/booth_chat.html", {"booth": booth})


@require_GET
def booth_summaries(request):
    """Queue length and staffed state of the booths on a page (the hall polls this)."""
    try:
        ids = sorted({int(value) for value in request.GET.getlist("booth")[:200]})
    except ValueError:
        return JsonResponse({"error": _("booth is a list of booth ids.")}, status=400)
    # Every visitor of a hall page asks for the same booths every 10 s: one answer per page
    # of booths for QUEUE_COUNT_CACHE_SECONDS.
    key = "chat:summaries:" + ",".join(map(str, ids))
    summaries = cache.get(key)
    if summaries is None:
        booths = Booth.objects.filter(pk__in=ids, status=Booth.Status.APPROVED).only(
            "pk", "company"
        )
        summaries = {str(k): v for k, v in summaries_of_booths(booths).items()}
        cache.set(key, summaries, settings.QUEUE_COUNT_CACHE_SECONDS)
    return JsonResponse(summaries)


@login_required
@require_POST
def join_booking(request, booking_id):
    """ "Join" on a booked time: its 1:1 conversation with the slot's recruiter."""
    from .booked import do_join_booking

    try:
        conversation = do_join_booking(request.user, booking_id)
    except ChatError as error:
        if error.code == "not_found":
            raise Http404 from None
        messages.error(request, error.message)
        back = request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return redirect(back)
        return redirect("expo:my_schedule")
    # ...and its call: the page answers the other side's ring, or rings them (static/js/call.js).
    return redirect(f"{reverse('chat:conversation', args=[conversation.pk])}?call=video")
