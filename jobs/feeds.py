"""Feeds of new jobs (RSS 2.0 and Atom): the whole expo and one company."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from booths.models import Company
from expo.models import ExpoEdition

from .models import Job

ITEMS = 50


def _newest(**filters):
    edition = ExpoEdition.objects.current()
    if edition is None:
        return []
    return (
        Job.objects.open()
        .filter(edition=edition, **filters)
        .select_related("company", "sector")
        .defer("search_vector")
        .order_by("-published_at", "-id")[:ITEMS]
    )


class LatestJobsFeed(Feed):
    title = _("New jobs at the expo")
    description = _("The newest open jobs posted by the expo's exhibitors.")

    def link(self):
        return reverse("jobs:search")

    def items(self):
        return _newest()

    def item_title(self, job):
        return f"{job.title} — {job.company.name}"

    def item_description(self, job):
        return job.description[:1000]

    def item_pubdate(self, job):
        return job.published_at

    def item_updateddate(self, job):
        return job.updated_at

    def item_author_name(self, job):
        return job.company.name

    def item_categories(self, job):
        return [job.sector.name, job.get_level_display(), job.get_employment_type_display()]


class LatestJobsAtomFeed(LatestJobsFeed):
    feed_type = Atom1Feed
    subtitle = LatestJobsFeed.description


class CompanyJobsFeed(LatestJobsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Company, slug=slug)

    def title(self, company):
        return _("New jobs at %(company)s") % {"company": company.name}

    def description(self, company):
        return _("The newest open jobs of %(company)s at the expo.") % {"company": company.name}

    def link(self, company):
        return reverse("jobs:search") + f"?company={company.slug}"

    def items(self, company):
        return _newest(company=company)


class CompanyJobsAtomFeed(CompanyJobsFeed):
    feed_type = Atom1Feed

    def subtitle(self, company):
        return self.description(company)
