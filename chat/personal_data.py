"""Chat's part of a user's personal-data export (accounts.personal_data)."""

from django.db.models import Q

from .models import Call, Conversation, Message, QueueEntry, Report


def collect_chat(user):
    return {
        "messages": [
            {
                "room": room,
                "text": body,
                "sent_at": sent.isoformat(),
                "deleted": deleted is not None,
            }
            for room, body, sent, deleted in Message.objects.filter(author=user)
            .order_by("pk")
            .values_list("room__key", "body", "created_at", "deleted_at")
        ],
        "conversations": [
            {
                "company": company,
                "status": status,
                "outcome": outcome,
                "outcome_note": note,
                "opened_at": opened.isoformat(),
            }
            for company, status, outcome, note, opened in Conversation.objects.filter(talent=user)
            .order_by("pk")
            .values_list("booth__company__name", "status", "outcome", "outcome_note", "opened_at")
        ],
        "queue_entries": [
            {"company": company, "status": status, "joined_at": joined.isoformat()}
            for company, status, joined in QueueEntry.objects.filter(talent=user)
            .order_by("pk")
            .values_list("booth__company__name", "status", "joined_at")
        ],
        # Calls are records of who called whom and when: no audio or video is ever stored.
        "calls": [
            {
                "company": company,
                "kind": kind,
                "status": status,
                "you_called": caller == user.pk,
                "rang_at": rang.isoformat(),
                "answered_at": answered.isoformat() if answered else None,
                "ended_at": ended.isoformat() if ended else None,
            }
            for company, kind, status, caller, rang, answered, ended in Call.objects.filter(
                Q(caller=user) | Q(callee=user)
            )
            .order_by("pk")
            .values_list(
                "conversation__booth__company__name",
                "kind",
                "status",
                "caller_id",
                "rang_at",
                "answered_at",
                "ended_at",
            )
        ],
        "reports_filed": list(
            Report.objects.filter(reporter=user).order_by("pk").values_list("reason", flat=True)
        ),
    }
