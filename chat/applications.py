"""What chat adds to jobs' application pages (registered in ChatConfig.ready(), see
jobs/extensions.py): on the company's page of an application, the company's conversations with
that talent (their outcomes) and the company's private notes and rating of them. The page is
company-only (jobs.access), so these stay with the company."""

from .models import Conversation, TalentNote


def application_conversations(request, application) -> dict:
    if application.talent_id is None:
        return {"chat_conversations": [], "chat_note": None}
    company_id = application.job.company_id
    conversations = list(
        Conversation.objects.filter(talent_id=application.talent_id, booth__company_id=company_id)
        .select_related("recruiter", "outcome_job")
        .order_by("-opened_at")[:20]
    )
    note = (
        TalentNote.objects.filter(company_id=company_id, talent_id=application.talent_id)
        .select_related("updated_by")
        .first()
    )
    if note is not None:
        note.stars = "★" * (note.rating or 0)
    return {"chat_conversations": conversations, "chat_note": note}


def register():
    from jobs import extensions

    extensions.APPLICATION_PARTS["conversations"] = application_conversations
