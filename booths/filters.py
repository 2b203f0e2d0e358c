"""The hall's filters: each one a GET parameter, so the state lives in the URL."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from expo.choices import Programme

from . import extensions, presence
from .models import Booth, Sector


class HallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Company, tagline or description")}
        ),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Hall"),
        field_name="company__sector",
        queryset=Sector.objects.all(),
        to_field_name="slug",
        empty_label=_("All halls"),
    )
    programme = django_filters.ChoiceFilter(
        label=_("Programme"),
        field_name="company__programme",
        choices=Programme.choices,
        empty_label=_("All programmes"),
    )
    offices_abroad = django_filters.BooleanFilter(
        label=_("Offices in the GBA or overseas"),
        field_name="company__has_gba_or_overseas_office",
        widget=forms.CheckboxInput,
        method="filter_true",
    )
    hiring_abroad = django_filters.BooleanFilter(
        label=_("Hiring GBA or overseas talent"),
        widget=forms.CheckboxInput,
        method="filter_hiring_abroad",
    )
    staffed = django_filters.BooleanFilter(
        label=_("Recruiters online now"),
        widget=forms.CheckboxInput,
        method="filter_staffed",
    )

    class Meta:
        model = Booth
        fields = []

    def filter_true(self, queryset, name, value):
        return queryset.filter(**{name: True}) if value else queryset

    def filter_text(self, queryset, name, value):
        value = value.strip()[:100]
        if not value:
            return queryset
        text = Q(company__name__icontains=value)
        for field in Booth.TEXT_FIELDS:
            text |= Q(**{f"{field}__icontains": value})
        return queryset.filter(text)

    def filter_hiring_abroad(self, queryset, name, value):
        return extensions.filter_hall("hiring_abroad", queryset) if value else queryset

    def filter_staffed(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=presence.all_staffed_booth_ids())
