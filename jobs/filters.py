"""The job search's filters (django-filter). Values are validated here; counting them for the
facets happens in jobs.search, which reads the cleaned values back from the form."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import TalentProfile
from expo.choices import Education, EmploymentType, Level, Programme, Region

from .models import Application


class FreeValuesField(forms.MultipleChoiceField):
    """Several free-text values (locations come from the data, not from a fixed list)."""

    def valid_value(self, value):
        return 0 < len(value) <= 200 and "\x00" not in value


class FreeValuesFilter(django_filters.MultipleChoiceFilter):
    field_class = FreeValuesField


class YesFilter(django_filters.BooleanFilter):
    """A checkbox: `?overseas=1` keeps only the jobs where the field is true; absent is all."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.CheckboxInput)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return qs.filter(**{self.field_name: True}) if value else qs


class JobSearchFilter(django_filters.FilterSet):
    """Filters of the public job search. `sectors` is a list of (id, slug, name)."""

    sector = django_filters.MultipleChoiceFilter(label=_("Sector"), method="filter_sector")
    tech = YesFilter(field_name="is_tech_rd", label=_("Technology and R&D only"))
    level = django_filters.MultipleChoiceFilter(choices=Level.choices, label=_("Level"))
    education = django_filters.MultipleChoiceFilter(
        field_name="min_education", choices=Education.choices, label=_("Minimum education")
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="employment_type", choices=EmploymentType.choices, label=_("Employment type")
    )
    location = FreeValuesFilter(label=_("Location"))
    programme = django_filters.MultipleChoiceFilter(
        field_name="company__programme", choices=Programme.choices, label=_("Programme")
    )
    overseas = YesFilter(field_name="open_to_overseas", label=_("Open to overseas talent"))
    gba = YesFilter(field_name="open_to_gba", label=_("Open to GBA talent"))
    company = django_filters.CharFilter(field_name="company__slug", max_length=220)

    def __init__(self, *args, sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_ids = {slug: pk for pk, slug, _name in sectors}
        self.filters["sector"].extra["choices"] = [(slug, name) for _pk, slug, name in sectors]
        self.form.fields["sector"].choices = self.filters["sector"].extra["choices"]

    def filter_sector(self, qs, name, value):
        ids = [self.sector_ids[slug] for slug in value if slug in self.sector_ids]
        return qs.filter(sector_id__in=ids) if value else qs

    def selected(self):
        """{group: set of chosen values} for the facets, keyed like jobs.search.FACETS."""
        self.form.is_valid()  # invalid values are left out of cleaned_data, hence ignored
        data = self.form.cleaned_data
        chosen = {}
        if data.get("sector"):
            chosen["sector"] = {self.sector_ids[s] for s in data["sector"] if s in self.sector_ids}
        for name in ("level", "education", "type", "location", "programme"):
            if data.get(name):
                chosen[name] = set(data[name])
        for name in ("tech", "overseas", "gba"):
            if data.get(name):
                chosen[name] = {True}
        return chosen


def certificate_track_choices(request=None):
    from expo.models import Track

    return Track.objects.filter(edition__is_current=True).order_by("position", "name")


class CertificateFilterMixin(django_filters.FilterSet):
    """Training leads to hiring: narrow talent to those holding a certificate of completion
    (from any talent-month session, or from one track)."""

    certificate_path = "user__certificates"

    has_certificate = YesFilter(method="filter_has_certificate", label=_("Holds a certificate"))
    certificate_track = django_filters.ModelChoiceFilter(
        queryset=certificate_track_choices,
        method="filter_certificate_track",
        label=_("Certificate in track"),
        empty_label=_("Any track"),
    )

    def filter_has_certificate(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.certificate_path}__isnull": False}).distinct()

    def filter_certificate_track(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.certificate_path}__session__track": value}).distinct()


class PipelineFilter(CertificateFilterMixin):
    """The employer's applicant list: by status, job, level, education, certificates and name
    or email."""

    certificate_path = "talent__certificates"

    status = django_filters.MultipleChoiceFilter(
        choices=Application.Status.choices, label=_("Status")
    )
    job = django_filters.NumberFilter(field_name="job_id", widget=forms.HiddenInput)
    q = django_filters.CharFilter(method="filter_q", label=_("Name or email"), max_length=200)
    education = django_filters.MultipleChoiceFilter(
        field_name="talent__talent_profile__education_level",
        choices=Education.choices,
        label=_("Education"),
    )
    region = django_filters.MultipleChoiceFilter(
        field_name="talent__talent_profile__region", choices=Region.choices, label=_("Based in")
    )

    def filter_q(self, qs, name, value):
        value = value.replace("\x00", "").strip()
        if not value:
            return qs
        return qs.filter(Q(talent__full_name__icontains=value) | Q(talent__email__icontains=value))


class TalentSearchFilter(CertificateFilterMixin):
    """Employers' search of talent who chose to be found."""

    q = django_filters.CharFilter(method="filter_q", label=_("Skills or keywords"), max_length=200)
    education = django_filters.MultipleChoiceFilter(
        field_name="education_level", choices=Education.choices, label=_("Education")
    )
    level = django_filters.MultipleChoiceFilter(
        field_name="experience_level", choices=Level.choices, label=_("Experience")
    )
    region = django_filters.MultipleChoiceFilter(choices=Region.choices, label=_("Based in"))
    sector = django_filters.NumberFilter(field_name="sectors", widget=forms.HiddenInput)

    class Meta:
        model = TalentProfile
        fields = []

    def filter_q(self, qs, name, value):
        words = [w for w in value.replace("\x00", " ").split() if w][:8]
        for word in words:
            qs = qs.filter(
                Q(skills__icontains=word)
                | Q(headline__icontains=word)
                | Q(field_of_study__icontains=word)
            )
        return qs
