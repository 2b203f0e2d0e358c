"""One factory per model, without surprises: every user has a verified email and PASSWORD."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ProfileShare, TalentProfile, User
from booths.models import Bookmark, Booth, Company, Invitation, Membership, Sector
from expo.models import ExpoEdition, Track
from expo.schedule.models import Booking, MeetingSlot, Registration, Session
from jobs.models import Application, Job

PASSWORD = "pw-Str0ng-enough!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class TalentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalentProfile

    user = factory.SubFactory(UserFactory)
    headline = "Data scientist"
    education_level = "master"
    experience_level = "entry"
    region = "hk"
    skills = "Python, SQL"


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpoEdition

    name = factory.Sequence(lambda n: f"I&T Career Expo {2026 + n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=28))


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    edition = factory.SubFactory(EditionFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    sector = factory.SubFactory(SectorFactory)
    programme = "innohk"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = "recruiter"


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    edition = factory.SubFactory(EditionFactory)
    company = factory.SubFactory(CompanyFactory)
    status = Booth.Status.APPROVED
    tagline = "We build things"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    edition = factory.SubFactory(EditionFactory)
    kind = Session.Kind.EVENT
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    edition = factory.SubFactory(EditionFactory)
    company = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Engineer {n}")
    description = "Build and ship."
    sector = factory.LazyAttribute(lambda o: o.company.sector)
    level = "entry"
    min_education = "bachelor"
    status = Job.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    job = factory.SubFactory(JobFactory)
    talent = factory.SubFactory(UserFactory)


class BookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookmark

    user = factory.SubFactory(UserFactory)
    booth = factory.SubFactory(BoothFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = "recruiter"


class ProfileShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileShare

    talent = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)


# --- The schedule (issue 6) ------------------------------------------------------------------
from expo.schedule.models import (  # noqa: E402
    Attendance,
    CalendarFeed,
    Certificate,
    Question,
    Slide,
    Stage,
    certificate_code,
)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage
        django_get_or_create = ["session"]

    session = factory.SubFactory(SessionFactory)


class SlideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slide

    session = factory.SubFactory(SessionFactory)
    position = factory.Sequence(lambda n: n)
    image = factory.django.ImageField(width=64, height=36, color="blue", filename="slide.png")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    session = factory.SubFactory(SessionFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Question {n}?")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(SessionFactory)
    user = factory.SubFactory(UserFactory)
    joined_at = factory.LazyAttribute(lambda o: o.session.starts_at)
    left_at = factory.LazyAttribute(lambda o: o.session.ends_at)


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    session = factory.SubFactory(SessionFactory, certificate_bearing=True)
    user = factory.SubFactory(UserFactory)
    code = factory.LazyFunction(certificate_code)
    name = factory.LazyAttribute(lambda o: o.user.get_full_name())
    attended_seconds = 3600


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)


class MeetingSlotFactory(factory.django.DjangoModelFactory):
    """A recruiter's 1:1 slot (recruiter: a member of the booth's company), tomorrow by default."""

    class Meta:
        model = MeetingSlot

    booth = factory.SubFactory(BoothFactory)
    recruiter = factory.LazyAttribute(
        lambda o: MembershipFactory(company=o.booth.company, role="recruiter").user
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=20))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    slot = factory.SubFactory(MeetingSlotFactory)
    booth = factory.LazyAttribute(lambda o: o.slot.booth)
    talent = factory.SubFactory(UserFactory)
