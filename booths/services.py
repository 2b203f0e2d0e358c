"""Every change to booths, their media, visits, bookmarks and teams that matters happens here.

Each service says its side effects. Emails go through Django's email API, whose backend
(expo.lib.mail.OutboxEmailBackend) writes them to the outbox in the same transaction.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from expo.lib import mail

from .content import BANNER_BOX, LOGO_BOX, process_image
from .models import Bookmark, Booth, BoothVisit, Brochure, Invitation, Membership


class BoothError(Exception):
    """A change that is not allowed now; str() is the message to show."""


# --- Email -----------------------------------------------------------------------------------
def send_templated_email(template, recipients, context, request=None):
    """One email per recipient from the trio booths/email/<template>_*, in each user's language
    (expo.lib.mail.send_templated_email). Links use the request's address when there is one."""
    if request is not None:
        context = {**context, "base_url": request.build_absolute_uri("/").rstrip("/")}
    mail.send_templated_email(f"booths/email/{template}", recipients, context)


def _admin_emails(company):
    """The company's admins (users, so that each gets the email in their own language)."""
    return [
        m.user
        for m in Membership.objects.filter(
            company=company, role=Membership.Role.ADMIN
        ).select_related("user")
    ]


# --- Approval: draft -> submitted -> approved / rejected ---------------------------------------
def _locked(booth):
    return Booth.objects.select_for_update().select_related("company", "edition").get(pk=booth.pk)


@transaction.atomic
def submit_booth(booth, by=None) -> Booth:
    """A company admin asks the organiser to publish the booth. Side effects: none besides the
    status; the organiser's approval queue is the admin's filtered booth list."""
    booth = _locked(booth)
    if not booth.can_submit:
        raise BoothError(
            _("This booth is already %(status)s.") % {"status": booth.get_status_display().lower()}
        )
    booth.status = Booth.Status.SUBMITTED
    booth.submitted_at = timezone.now()
    booth.save(update_fields=["status", "submitted_at", "updated_at"])
    return booth


@transaction.atomic
def approve_booth(booth, by=None, request=None) -> Booth:
    """Publish a submitted (or previously rejected) booth. Side effects: email to the company's
    admins (after commit, through Celery)."""
    booth = _locked(booth)
    if booth.status == Booth.Status.APPROVED:
        return booth
    booth.status = Booth.Status.APPROVED
    booth.reviewed_at = timezone.now()
    booth.review_note = ""
    booth.save(update_fields=["status", "reviewed_at", "review_note", "updated_at"])
    send_templated_email(
        "booth_approved",
        _admin_emails(booth.company),
        {"booth": booth, "path": reverse("booths:detail", args=[booth.company.slug])},
        request,
    )
    return booth


@transaction.atomic
def request_changes(booth, reason, by=None, request=None) -> Booth:
    """Send a booth back to its company with the organiser's reason (it leaves the hall if it
    was public). Side effects: email with the reason to the company's admins."""
    reason = (reason or "").strip()
    if not reason:
        raise BoothError(_("Please give the company a reason."))
    booth = _locked(booth)
    booth.status = Booth.Status.REJECTED
    booth.reviewed_at = timezone.now()
    booth.review_note = reason
    booth.save(update_fields=["status", "reviewed_at", "review_note", "updated_at"])
    send_templated_email(
        "booth_changes_requested",
        _admin_emails(booth.company),
        {"booth": booth, "reason": reason, "path": reverse("booths:console_booth")},
        request,
    )
    return booth


# --- Content ---------------------------------------------------------------------------------
@transaction.atomic
def update_booth(booth, data: dict) -> Booth:
    """Save the editor's fields. New images are resized and re-encoded (no EXIF); the old file
    is removed after commit. A booth's status does not change here: an approved booth stays
    public while its company edits it (the organiser can request changes at any time)."""
    fields = [*Booth.TEXT_FIELDS, "video_url"]
    for name in fields:
        setattr(booth, name, data[name])
    old_files = []
    for name, box in (("logo", LOGO_BOX), ("banner", BANNER_BOX)):
        upload = data.get(name)
        current = getattr(booth, name)
        if upload is False:  # "clear" ticked
            if current:
                old_files.append((current.storage, current.name))
            setattr(booth, name, "")
            fields.append(name)
        elif upload and upload is not current and hasattr(upload, "content_type"):
            if current:
                old_files.append((current.storage, current.name))
            processed = process_image(upload, box)
            extension = processed.name.rsplit(".", 1)[-1]
            getattr(booth, name).save(f"{uuid.uuid4().hex}.{extension}", processed, save=False)
            fields.append(name)
    booth.save(update_fields=[*fields, "updated_at"])
    for storage, name in old_files:
        transaction.on_commit(lambda s=storage, n=name: s.delete(n))
    return booth


MAX_BROCHURES = 10


@transaction.atomic
def add_brochure(booth, title, upload) -> Brochure:
    if booth.brochures.count() >= MAX_BROCHURES:
        raise BoothError(
            _("A booth can offer at most %(n)s brochures. Remove one first.") % {"n": MAX_BROCHURES}
        )
    brochure = Brochure(booth=booth, title=title, size=upload.size)
    brochure.file.save("brochure.pdf", upload, save=False)
    brochure.save()
    return brochure


@transaction.atomic
def delete_brochure(brochure) -> None:
    storage, name = brochure.file.storage, brochure.file.name
    brochure.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Visits and bookmarks --------------------------------------------------------------------
def visitor_key(user_id=None, anonymous_token=None) -> str:
    """A keyed hash that identifies a visitor for counting, and nothing else."""
    raw = f"u:{user_id}" if user_id else f"a:{anonymous_token}"
    return salted_hmac("booths.visitor", raw).hexdigest()[:40]


def expo_today(edition):
    return timezone.localtime(timezone.now(), edition.tz).date()


def record_visit(booth, key, day=None) -> None:
    """One statement: a new (booth, day, visitor) row, or one more hit on it."""
    day = day or expo_today(booth.edition)
    table = BoothVisit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (booth_id, visitor_key, day, hits) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (booth_id, day, visitor_key) DO UPDATE SET hits = {table}.hits + 1",
            [booth.pk, key, day],
        )


def toggle_bookmark(user, booth) -> bool:
    """Bookmark the booth, or remove the bookmark; returns whether it is bookmarked now."""
    deleted, _ = Bookmark.objects.filter(user=user, booth=booth).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(user=user, booth=booth)
    return True


# --- Analytics -------------------------------------------------------------------------------
def analytics(booth, days=14, today=None) -> dict:
    """Visits, unique visitors and new bookmarks per day over the last `days` days (expo time),
    plus totals. Three aggregate queries."""
    today = today or expo_today(booth.edition)
    first = today - dt.timedelta(days=days - 1)
    visits = {
        row["day"]: row
        for row in BoothVisit.objects.filter(booth=booth, day__gte=first, day__lte=today)
        .values("day")
        .annotate(visits=Sum("hits"), visitors=Count("id"))
    }
    tz = booth.edition.tz
    bookmarks_by_day = {}
    for created in Bookmark.objects.filter(booth=booth).values_list("created_at", flat=True):
        day = timezone.localtime(created, tz).date()
        bookmarks_by_day[day] = bookmarks_by_day.get(day, 0) + 1
    totals = BoothVisit.objects.filter(booth=booth).aggregate(
        visits=Sum("hits"), visitors=Count("visitor_key", distinct=True)
    )
    rows = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = visits.get(day, {})
        rows.append(
            {
                "day": day,
                "visits": row.get("visits") or 0,
                "visitors": row.get("visitors") or 0,
                "bookmarks": bookmarks_by_day.get(day, 0),
            }
        )
    return {
        "rows": rows,
        "total_visits": totals["visits"] or 0,
        "unique_visitors": totals["visitors"] or 0,
        "bookmarks": sum(bookmarks_by_day.values()),
    }


# --- Team ------------------------------------------------------------------------------------
@transaction.atomic
def invite_member(company, email, role, by, request=None) -> Invitation:
    """Invite a colleague by email. Side effects: the invitation email with its token link.
    An open invitation to the same address is replaced (its link stops working)."""
    email = email.strip().lower()
    if Membership.objects.filter(company=company, user__email__iexact=email).exists():
        raise BoothError(_("%(email)s is already on your team.") % {"email": email})
    Invitation.objects.filter(company=company, email__iexact=email, accepted_at=None).delete()
    invitation = Invitation.objects.create(company=company, email=email, role=role, invited_by=by)
    with translation.override(getattr(by, "language", None) or settings.LANGUAGE_CODE):
        # An existing account reads it in its own language, a newcomer in the inviter's.
        invitee = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        send_templated_email(
            "invitation",
            [invitee or email],
            {
                "invitation": invitation,
                "company": company,
                "inviter": by,
                "path": reverse("booths:accept_invitation", args=[invitation.token]),
            },
            request,
        )
    return invitation


@transaction.atomic
def accept_invitation(invitation, user) -> Membership:
    """The invited person, signed in with the invited address, joins the company."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending():
        raise BoothError(_("This invitation has expired or was already used."))
    if user.email.lower() != invitation.email.lower():
        raise BoothError(
            _("This invitation is for %(email)s. Please sign in with that address.")
            % {"email": invitation.email}
        )
    existing = Membership.objects.filter(user=user).select_related("company").first()
    if existing is not None:
        if existing.company_id == invitation.company_id:
            raise BoothError(_("You are already on this company's team."))
        raise BoothError(
            _("You are on the team of %(company)s. An account can work for one company only.")
            % {"company": existing.company}
        )
    membership = Membership.objects.create(
        company=invitation.company, user=user, role=invitation.role
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def remove_member(company, membership) -> None:
    """Take someone off the team; the last admin cannot be removed (the team would be
    unmanageable)."""
    admins = list(
        Membership.objects.select_for_update()
        .filter(company=company, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )
    if membership.role == Membership.Role.ADMIN and admins == [membership.pk]:
        raise BoothError(
            _("%(name)s is the team's only admin. Make someone else an admin first.")
            % {"name": membership.user}
        )
    membership.delete()
