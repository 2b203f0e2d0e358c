"""The live day follows people around the site.

Every page of a signed-in user holds the notification socket (chat.consumers.
NotificationConsumer). Through it this module tells

- talent: the queues they are in (position and estimated wait; positions then follow the
  booths' public summaries), every recruiter waiting for them ("calling": taken from a queue
  and not yet answered, for CHAT_ANSWER_SECONDS), and turns they missed lately;
- booth staff: their booth's queue and who of the team is on the console, so that their page
  alerts them when talent waits and nobody is on the console.

A talent answers by opening the conversation (`do_answer`, on the conversation socket's
connect). A talent who does not answer in time is skipped (`do_skip_unanswered`): their entry
becomes "skipped", the conversation closes with the outcome "no response", and both sides are
told. The state follows the clock (an offer is pending only inside its window, computed, never
flipped); the skip's side effects run once, from whichever comes first: the recruiter's page
when its countdown ends, the talent's page, or the beat task that sweeps every minute.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from booths.models import Booth
from expo.lib.realtime import notify_user_on_commit, publish_on_commit

from .actions.conversations import state_payload
from .actions.queue import booth_summary, estimated_wait_minutes, live_changed_on_commit
from .actions.rooms import conversation_room, emit, language_of, locked_room
from .models import Conversation, Event, QueueEntry

MISSED_SHOWN_FOR = timedelta(minutes=15)


def answer_window() -> timedelta:
    return timedelta(seconds=settings.CHAT_ANSWER_SECONDS)


def _booth_url(booth) -> str:
    return reverse("booths:detail", args=[booth.company.slug])


def _conversation_url(conversation_id) -> str:
    return reverse("chat:conversation", args=[conversation_id])


def staff_booths(user) -> list[Booth]:
    """The approved booths of the companies this user works for (in the current edition)."""
    if not user.is_authenticated:
        return []
    from expo.models import ExpoEdition

    edition = ExpoEdition.objects.current()
    if edition is None:
        return []
    return list(
        Booth.objects.approved()
        .filter(edition=edition, company__memberships__user=user)
        .select_related("company", "edition")
        .distinct()
    )


def talent_state(user, now=None) -> dict:
    """What a talent's pages show: queues (with positions), recruiters calling, missed turns.
    Three queries."""
    now = now or timezone.now()
    ahead = (
        QueueEntry.objects.waiting(now)
        .filter(booth=OuterRef("booth"))
        .filter(
            Q(joined_at__lt=OuterRef("joined_at"))
            | Q(joined_at=OuterRef("joined_at"), pk__lt=OuterRef("pk"))
        )
        .values("booth")
        .annotate(n=Count("pk"))
        .values("n")
    )
    entries = list(
        QueueEntry.objects.waiting(now)
        .filter(talent=user)
        .annotate(ahead=Subquery(ahead))
        .select_related("booth__company", "booth__edition")
        .order_by("joined_at")
    )
    queues = []
    for entry in entries:
        summary = booth_summary(entry.booth)
        position = (entry.ahead or 0) + 1
        queues.append(
            {
                "booth": entry.booth_id,
                "entry": entry.pk,
                "company": entry.booth.company.name,
                "url": _booth_url(entry.booth),
                "position": position,
                "minutes_per_person": summary["minutes_per_person"],
                "wait_minutes": estimated_wait_minutes(position, summary["minutes_per_person"]),
            }
        )
    calling = [
        {
            "entry": entry.pk,
            "booth": entry.booth_id,
            "company": entry.booth.company.name,
            "recruiter": entry.conversation.recruiter.get_short_name()
            if entry.conversation and entry.conversation.recruiter
            else "",
            "url": _conversation_url(entry.conversation_id),
            "until": (entry.taken_at + answer_window()).isoformat(),
        }
        for entry in QueueEntry.objects.calling(now)
        .filter(talent=user, conversation__isnull=False)
        .select_related("booth__company", "conversation__recruiter")
        .order_by("taken_at")
    ]
    missed = [
        {
            "entry": entry.pk,
            "booth": entry.booth_id,
            "company": entry.booth.company.name,
            "url": _booth_url(entry.booth),
        }
        for entry in QueueEntry.objects.filter(
            talent=user,
            status=QueueEntry.Status.SKIPPED,
            taken_at__gt=now - answer_window() - MISSED_SHOWN_FOR,
        )
        .select_related("booth__company")
        .order_by("taken_at")
    ]
    return {"queues": queues, "calling": calling, "missed": missed}


def staff_state(booths) -> list[dict]:
    """For each booth a member of staff works at: its public summary (queue, who is online and
    who is on the console) and where the console is."""
    return [{**booth_summary(booth), "console_url": reverse("chat:console")} for booth in booths]


def live_state(user, booths=None, now=None) -> dict:
    """The "live" frame of the notification socket."""
    booths = staff_booths(user) if booths is None else booths
    now = now or timezone.now()
    state = {
        "type": "live",
        "now": now.isoformat(),
        "answer_seconds": settings.CHAT_ANSWER_SECONDS,
    }
    if booths:
        state.update(queues=[], calling=[], missed=[], staff=staff_state(booths))
    else:
        state.update(talent_state(user, now), staff=[])
    return state


changed_on_commit = live_changed_on_commit


# --- Answering and skipping ------------------------------------------------------------------
def do_answer(user, conversation_id, now=None) -> bool:
    """The talent opened the conversation a recruiter called them into: the call is answered
    (once). The recruiter's page learns it from an "answered" event; the talent's other tabs
    drop the notice. Returns whether this was the answer."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            QueueEntry.objects.calling(now)
            .select_for_update()
            .filter(talent=user, conversation_id=conversation_id)
            .first()
        )
        if entry is None:
            return False
        entry.answered_at = now
        entry.save(update_fields=["answered_at"])
        # State, not history: a page opened later asks the database (the hello's calling_until).
        room = conversation_room(conversation_id)
        publish_on_commit(room, {"type": "answered", "room": room})
        changed_on_commit(user.pk)
    return True


def do_skip_unanswered(now=None, *, talent_id=None, conversation_id=None) -> int:
    """Skip every talent who did not answer in time (or only this talent's, or this
    conversation's): the entry becomes "skipped", the conversation closes with the outcome "no
    response", the talent is told they missed their turn and the recruiter that they can take
    the next person. Each entry once, whoever calls first. Returns how many were skipped."""
    now = now or timezone.now()
    due = QueueEntry.objects.unanswered_too_long(now)
    if talent_id is not None:
        due = due.filter(talent_id=talent_id)
    if conversation_id is not None:
        due = due.filter(conversation_id=conversation_id)
    skipped = 0
    with transaction.atomic():
        for entry in (
            due.select_for_update(skip_locked=True, of=("self",))
            .select_related("booth__company", "talent")
            .order_by("pk")[:200]
        ):
            entry.status = QueueEntry.Status.SKIPPED
            entry.save(update_fields=["status"])
            _close_unanswered(entry, now)
            skipped += 1
    return skipped


def _close_unanswered(entry, now) -> None:
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("recruiter", "outcome_job", "room")
        .filter(pk=entry.conversation_id)
        .first()
    )
    booth = entry.booth
    minutes = max(1, round(settings.CHAT_ANSWER_SECONDS / 60))
    if conversation is not None and conversation.status == Conversation.Status.OPEN:
        conversation.status = Conversation.Status.CLOSED
        conversation.closed_at = now
        conversation.outcome = Conversation.Outcome.NO_RESPONSE
        conversation.save(update_fields=["status", "closed_at", "outcome"])
        emit(
            locked_room(conversation.room.key),
            Event.Kind.STATE,
            data=state_payload(conversation),
        )
        if conversation.recruiter_id:
            with translation.override(language_of(conversation.recruiter_id)):
                notify_user_on_commit(
                    conversation.recruiter_id,
                    {
                        "title": _("%(name)s did not respond and was skipped")
                        % {"name": entry.talent.get_short_name()},
                        "body": _("Take the next person from the queue."),
                        "url": reverse("chat:console"),
                    },
                )
    with translation.override(language_of(entry.talent_id)):
        notify_user_on_commit(
            entry.talent_id,
            {
                "title": _("You missed your turn at %(company)s") % {"company": booth.company.name},
                "body": _(
                    "A recruiter waited %(minutes)s min for you. Join the queue again when you "
                    "are ready."
                )
                % {"minutes": minutes},
                "url": _booth_url(booth),
            },
        )
    changed_on_commit(entry.talent_id)
