"""Every admin add and change page of every model either saves or shows field errors: never a
server error (issue 15: /admin/expo/certificate/add/ answered 500 on an IntegrityError).

The pages are submitted as a browser would: the form is read from the rendered HTML (inputs,
selects, textareas, inline management forms) and posted back, once empty (add) and once
unchanged (change).
"""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.expo.test_admin import OUR_MODELS
from tests.factories import (
    ApplicationFactory,
    AttendanceFactory,
    BookmarkFactory,
    BoothFactory,
    CalendarFeedFactory,
    CertificateFactory,
    InvitationFactory,
    ProfileShareFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    SlideFactory,
    StageFactory,
    TalentProfileFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db


class FormReader(HTMLParser):
    """The fields of the admin's main form (id ending in _form) as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_form = False
        self.select = None
        self.select_options: list[tuple[str, bool]] = []
        self.textarea = None
        self.textarea_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs)
            self.select_options = []
        elif tag == "option" and self.select is not None:
            self.select_options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea, self.textarea_text = name, ""

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            name, multiple = self.select
            chosen = [value for value, selected in self.select_options if selected]
            if not chosen and not multiple and self.select_options:
                chosen = [self.select_options[0][0]]
            self.data += [(name, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # a browser drops the one newline after <textarea>
            self.data.append((self.textarea, self.textarea_text.removeprefix("\n")))
            self.textarea = None


def form_data(html: str) -> dict:
    reader = FormReader()
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def outcome(response) -> str:
    """'saved' (a redirect), 'errors' (the form again, with errors shown) or what went wrong."""
    if response.status_code == 302:
        return "saved"
    if response.status_code == 403:
        return "forbidden"
    if response.status_code != 200:
        return f"status {response.status_code}"
    context = response.context
    adminform = context.get("adminform")
    errors = context.get("errors")
    if adminform is not None and (errors or adminform.form.errors):
        html = response.content.decode()
        return "errors" if "errornote" in html or "errorlist" in html else "errors not shown"
    return "200 without errors or save"


@pytest.fixture
def one_of_everything(edition, recruiter, talent):
    """At least one row of every model, so that every change page can be opened."""
    booth = BoothFactory(edition=edition)
    track = TrackFactory(edition=edition)
    session = SessionFactory(edition=edition, host_booth=booth, track=track)
    RegistrationFactory(session=session, user=talent)
    ApplicationFactory(job__edition=edition, job__company=booth.company)
    TalentProfileFactory(user=talent)
    BookmarkFactory(user=talent, booth=booth)
    InvitationFactory(company=booth.company)
    ProfileShareFactory(talent=talent, company=booth.company)
    StageFactory(session=session)
    SlideFactory(session=session)
    QuestionFactory(session=session)
    AttendanceFactory(session=session, user=talent)
    CertificateFactory(session=session, user=talent)
    CalendarFeedFactory(user=talent)
    _rows_without_factories(edition, booth, session, talent, recruiter)


def _rows_without_factories(edition, booth, session, talent, recruiter):
    import uuid
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from booths.models import BoothVisit, Brochure
    from chat.calls.models import Call
    from chat.liveroom.media.models import MediaGrant, MediaRoom, Replay, StageSeat
    from chat.models import (
        Ban,
        Conversation,
        Event,
        Message,
        Mute,
        QueueEntry,
        Report,
        Room,
        TalentNote,
    )
    from expo.organiser.announcements.models import (
        Announcement,
        AnnouncementDelivery,
        AnnouncementOptOut,
    )
    from expo.organiser.imports.models import ImportJob
    from expo.schedule.models import Notice, Question, QuestionVote, StageEvent
    from jobs.models import Application, ApplicationNote, ApplicationStatusChange, Job, SavedJob

    now = timezone.now()
    StageEvent.objects.create(session=session, seq=1, kind="live")
    QuestionVote.objects.create(question=Question.objects.first(), user=talent)
    Notice.objects.create(session=session, user=talent, kind="reminder_24h")
    announcement = Announcement.objects.create(
        edition=edition, subject="Welcome", body="**Hello**", segment="all_talent"
    )
    AnnouncementDelivery.objects.create(announcement=announcement, user=talent)
    AnnouncementOptOut.objects.create(user=recruiter)
    ImportJob.objects.create(kind="companies", file=ContentFile(b"name\nA\n", name="a.csv"))
    Brochure.objects.create(
        booth=booth, title="Brochure", file=ContentFile(b"%PDF-1.4\n", name="b.pdf")
    )
    BoothVisit.objects.create(booth=booth, visitor_key="v1", day=now.date())
    application = Application.objects.first()
    ApplicationStatusChange.objects.create(application=application, to_status="reviewing")
    ApplicationNote.objects.create(application=application, body="Strong candidate")
    SavedJob.objects.create(user=talent, job=Job.objects.first())
    room = Room.objects.create(key=f"booth:{booth.pk}")
    message = Message.objects.create(room=room, author=talent, body="Hello", client_id=uuid.uuid4())
    Event.objects.create(room=room, seq=1, kind="message")
    QueueEntry.objects.create(booth=booth, talent=talent)
    conversation = Conversation.objects.create(
        booth=booth, talent=talent, room=Room.objects.create(key="conversation:1")
    )
    Call.objects.create(conversation=conversation, caller=talent, callee=recruiter, kind="video")
    TalentNote.objects.create(company=booth.company, talent=talent)
    Mute.objects.create(
        booth=booth, user=talent, until=now + timedelta(minutes=5), muted_by=recruiter
    )
    Ban.objects.create(user=recruiter)
    Report.objects.create(message=message, reporter=recruiter)
    MediaRoom.objects.create(session=session, janus_room=1234, secret="s", pin="p")
    MediaGrant.objects.create(
        session=session, user=talent, role="viewer", token="t" * 32, feed_id=1
    )
    StageSeat.objects.create(session=session, user=talent, status="raised")
    Replay.objects.create(session=session)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_an_empty_add_form_shows_field_errors_and_never_fails(client, organiser, model):
    client.force_login(organiser)
    page = client.get(_url(model, "add"))
    if page.status_code == 403:
        return  # the admin offers no add page for this model (a log, or rows made elsewhere)
    assert page.status_code == 200

    response = client.post(_url(model, "add"), form_data(page.content.decode()))

    assert outcome(response) in ("errors", "saved")


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_a_change_form_posted_back_unchanged_saves_or_shows_errors(
    client, organiser, one_of_everything, model
):
    client.force_login(organiser)
    obj = model.objects.order_by("pk").first()
    assert obj is not None, f"the fixture makes no {model._meta.label}"
    try:
        url = _url(model, "change", obj.pk)
    except NoReverseMatch:
        pytest.fail(f"{model._meta.label} has no change page")
    page = client.get(url)
    assert page.status_code == 200
    model_admin = admin.site._registry[model]
    if not model_admin.has_change_permission(page.wsgi_request, obj):
        return  # a read-only view: nothing to post

    response = client.post(url, form_data(page.content.decode()))

    assert outcome(response) in ("saved", "errors")


def test_the_organiser_issues_a_certificate_by_hand(client, organiser, talent, edition):
    from expo.schedule.models import Certificate

    session = SessionFactory(edition=edition, certificate_bearing=True)
    client.force_login(organiser)
    data = form_data(client.get(_url(Certificate, "add")).content.decode())
    data.update(session=session.pk, user=talent.pk, name="陳大文", attended_seconds="3600")

    response = client.post(_url(Certificate, "add"), data)

    assert outcome(response) == "saved"
    certificate = Certificate.objects.get()
    assert (certificate.name, certificate.attended_seconds) == ("陳大文", 3600)
    assert len(certificate.code) == 14
