"""Chat's part of a user's personal-data export (accounts.personal_data)."""

from .models import Conversation, Message, QueueEntry, Report


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
        "reports_filed": list(
            Report.objects.filter(reporter=user).order_by("pk").values_list("reason", flat=True)
        ),
    }
