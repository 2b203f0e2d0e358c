"""The schedule's filters: each one a GET parameter, so the state lives in the URL."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booths.models import Booth
from expo.lib import fragments
from expo.models import Track
from expo.schedule.models import Registration, Session


def host_choices(edition, request=None):
    """(slug, name) of the companies whose booths host sessions, by name; cached until the
    schedule or a booth changes."""

    def load():
        return list(
            Booth.objects.filter(edition=edition, sessions__isnull=False)
            .values_list("company__slug", "company__name")
            .distinct()
            .order_by("company__name")
        )

    key = fragments.key(
        "schedule-hosts", ("schedule", "booths"), edition.pk, zone="-", request=request
    )
    choices = cache.get(key)
    if choices is None:
        choices = load()
        cache.set(key, choices, settings.FRAGMENT_CACHE_SECONDS)
    return choices


class ScheduleFilter(django_filters.FilterSet):
    day = django_filters.CharFilter(method="filter_day", widget=forms.HiddenInput)
    show = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[("live", _("Live now")), ("mine", _("My schedule"))],
        empty_label=_("Everything"),
        method="filter_show",
    )
    track = django_filters.ModelChoiceFilter(
        label=_("Track"),
        queryset=Track.objects.none(),
        to_field_name="slug",
        empty_label=_("All tracks"),
    )
    booth = django_filters.ChoiceFilter(
        label=_("Company"),
        field_name="host_booth__company__slug",
        empty_label=_("All companies and the organiser"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Session.Kind.choices, empty_label=_("All kinds")
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or speaker")}),
    )

    class Meta:
        model = Session
        fields = []

    def __init__(self, *args, edition, user, now=None, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition, self.user, self.now = edition, user, now or timezone.now()
        self.filters["track"].queryset = Track.objects.filter(edition=edition)
        # Thousands of companies at scale: read (from the cache) only when the form is shown
        # or a company is chosen.
        self.filters["booth"].extra["choices"] = lambda: host_choices(edition, request)

    def filter_day(self, queryset, name, value):
        """A calendar day in the expo's time zone (YYYY-MM-DD), "all", else coming up."""
        if value == "all":
            return queryset
        try:
            day = datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            return queryset.filter(ends_at__gt=self.now)
        start = datetime.combine(day, time.min, tzinfo=self.edition.tz)
        return queryset.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))

    def filter_show(self, queryset, name, value):
        if value == "live":
            return queryset.live(self.now)
        if value == "mine":
            if not self.user.is_authenticated:
                return queryset.none()
            return queryset.filter(
                registrations__user=self.user,
                registrations__status__in=[
                    Registration.Status.REGISTERED,
                    Registration.Status.WAITLISTED,
                ],
            )
        return queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value)
            | Q(speakers__icontains=value)
            | Q(host_booth__company__name__icontains=value)
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("day") and not self.form.cleaned_data.get("show"):
            queryset = queryset.filter(ends_at__gt=self.now)  # "coming up" by default
        return queryset
