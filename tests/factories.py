"""One factory per model, without surprises: every user has a verified email and PASSWORD."""

from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import TalentProfile, User
from booths.models import Booth, Company, Membership, Sector
from expo.models import ExpoEdition, Registration, Session, Track
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
