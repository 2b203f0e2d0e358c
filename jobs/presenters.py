"""What the job templates show, prepared in Python: facet groups and schema.org JSON-LD."""

import hashlib
import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booths.content import render_markdown
from expo.choices import Education, EmploymentType, Level, Programme
from expo.lib import fragments

from .filters import JobSearchFilter

MAX_LOCATIONS = 12

_GROUPS = [
    ("sector", _("Sector"), None),
    ("tech", None, _("Technology and R&D only")),
    ("level", _("Level"), dict(Level.choices)),
    ("education", _("Minimum education"), dict(Education.choices)),
    ("type", _("Employment type"), dict(EmploymentType.choices)),
    ("location", _("Location"), None),
    ("programme", _("Programme"), dict(Programme.choices)),
    ("overseas", None, _("Open to overseas talent")),
    ("gba", None, _("Open to GBA talent")),
]


def facet_groups(result, filterset: JobSearchFilter, sectors):
    """[{name, label, options: [{value, label, count, checked}]}] for the filter sidebar; yes/no
    groups become one checkbox each (kind "yes")."""
    sector_by_id = {pk: (slug, name) for pk, slug, name in sectors}
    groups = []
    for name, label, labels in _GROUPS:
        facet = result.facets[name]
        if label is None:  # a yes/no checkbox
            groups.append(
                {
                    "name": name,
                    "kind": "yes",
                    "label": labels,
                    "count": facet.counts.get(True, 0),
                    "checked": True in facet.selected,
                }
            )
            continue
        options = []
        if name == "sector":
            for pk, (slug, sector_name) in sector_by_id.items():
                options.append((slug, sector_name, facet.counts.get(pk, 0), pk in facet.selected))
        elif name == "location":
            ranked = sorted(facet.counts.items(), key=lambda item: (-item[1], item[0]))
            shown = {value for value, _n in ranked[:MAX_LOCATIONS]} | facet.selected
            for value, count in ranked:
                if value in shown:
                    options.append((value, value, count, value in facet.selected))
            for value in sorted(facet.selected - set(facet.counts)):
                options.append((value, value, 0, True))
        else:
            for value, value_label in labels.items():
                options.append(
                    (value, value_label, facet.counts.get(value, 0), value in facet.selected)
                )
        groups.append(
            {
                "name": name,
                "kind": "multi",
                "label": label,
                "options": [
                    {"value": v, "label": lbl, "count": c, "checked": chk}
                    for v, lbl, c, chk in options
                    if c or chk
                ],
            }
        )
    return groups


def facets_digest(groups) -> str:
    """What the filter sidebar shows of `groups` (facet_groups), as a short string: the key of
    its cached HTML (labels follow from the values, the language and the "jobs" version)."""
    data = [
        (
            group["name"],
            group.get("count"),
            group.get("checked"),
            [(o["value"], o["count"], o["checked"]) for o in group.get("options", ())],
        )
        for group in groups
    ]
    return hashlib.blake2b(repr(data).encode(), digest_size=16).hexdigest()


SAVED_SLOT = "\x00saved\x00"


def job_cards(request, result, saved_ids):
    """[html] of the result cards of a search result's page: each rendered once per language
    and time zone and kept in the cache until a job changes (one round trip for the page; the
    job rows are read only for cards not in the cache); the visitor's "Saved" chip is put in
    per request."""
    keys = {pk: fragments.key("job-card", ("jobs",), pk, request=request) for pk in result.ids}

    def render_missing(missing):
        slot = mark_safe(SAVED_SLOT)  # noqa: S308
        by_id = {job.pk: job for job in result.jobs}
        return {
            pk: fragments.render_plain(
                "jobs/_job_card.html", request, {"job": by_id[pk], "saved_slot": slot}
            )
            for pk in missing
            if pk in by_id
        }

    cached = fragments.get_many_or_render(keys, render_missing)
    chip = format_html('<span class="chip chip-accent">{}</span>', gettext("Saved"))
    return [
        mark_safe(cached[pk].replace(SAVED_SLOT, chip if pk in saved_ids else ""))  # noqa: S308
        for pk in result.ids
        if pk in cached
    ]


EMPLOYMENT_TYPES = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "contract": "CONTRACTOR",
    "internship": "INTERN",
    "placement": "INTERN",
}
EDUCATION_CREDENTIALS = {
    "sub_degree": "associate degree",
    "bachelor": "bachelor degree",
    "master": "postgraduate degree",
    "doctorate": "postgraduate degree",
}
MAINLAND = ("shenzhen", "guangzhou", "dongguan", "zhuhai", "foshan", "zhongshan", "huizhou")


def _country(location):
    lowered = location.lower()
    if "macao" in lowered or "macau" in lowered:
        return "MO"
    if any(city in lowered for city in MAINLAND):
        return "CN"
    return "HK"


def _json_for_script(data):
    """JSON that cannot end its <script> element: <, > and & become \\u escapes (as
    django.utils.html.json_script does)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308  (escaped above; this is data, not markup)


def job_posting_ld(job, request, description_html=None):
    """schema.org JobPosting for search engines (Google's required and recommended fields).
    `description_html`: the description as the page renders it, if the caller has it."""
    url = request.build_absolute_uri(job.get_absolute_url())
    if description_html is None:
        description_html = render_markdown(job.description)
    data = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": job.title,
        "description": str(description_html),  # HTML, as the page shows it
        "datePosted": (job.published_at or job.created_at).isoformat(),
        "url": url,
        "identifier": {"@type": "PropertyValue", "name": job.company.name, "value": str(job.pk)},
        "hiringOrganization": {"@type": "Organization", "name": job.company.name},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": job.location,
                "addressCountry": _country(job.location),
            },
        },
        "employmentType": EMPLOYMENT_TYPES.get(job.employment_type, "OTHER"),
        "educationRequirements": {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": EDUCATION_CREDENTIALS.get(job.min_education, "bachelor degree"),
        },
        "industry": job.sector.name,
        "skills": ", ".join(job.skill_list),
        "directApply": True,
    }
    if job.company.website:
        data["hiringOrganization"]["sameAs"] = job.company.website
    if job.deadline:
        data["validThrough"] = job.deadline.isoformat()
    if job.salary_min or job.salary_max:
        value = {"@type": "QuantitativeValue", "unitText": "MONTH"}
        if job.salary_min:
            value["minValue"] = job.salary_min
        if job.salary_max:
            value["maxValue"] = job.salary_max
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "HKD", "value": value}
    return _json_for_script(data)
