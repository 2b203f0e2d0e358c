"""Each organiser role can run exactly the admin actions and open exactly the admin pages it
should: every action of every model admin and every custom admin URL is enumerated from the
admin site itself, so one added later without a declared permission (or without a line in the
tables below) fails here.

The roles (expo/roles.py): the read-only analyst looks and exports; the content moderator also
reviews booths, jobs and chats; exhibitor relations onboard companies, booths and jobs (by
hand or by import); the events team runs the schedule and announcements;
plain staff (is_staff, no role) reach the admin's index and nothing else.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.test import RequestFactory
from django.urls import URLResolver, reverse

from booths.models import Booth
from tests.factories import BoothFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ANALYST, MODERATOR, EXHIBITORS, EVENTS, PLAIN = (
    "analyst",
    "moderator",
    "exhibitor relations",
    "events",
    "plain staff",
)
ROLES = {
    ANALYST: "Read-only analyst",
    MODERATOR: "Content moderator",
    EXHIBITORS: "Exhibitor relations",
    EVENTS: "Events team",
    PLAIN: None,
}
LOOKERS = {ANALYST, MODERATOR, EXHIBITORS, EVENTS}

EXPORTS = {
    "booths.company": {"export_admin_action"},
    "booths.booth": {"export_admin_action"},
    "jobs.job": {"export_admin_action", "export_jobs_csv"},
    "jobs.application": {"export_applications_csv"},
}
CHAT_MODELS_MODERATORS_DELETE = ["ban", "report", "message", "conversation", "mute", "queueentry"]
EXPO_MODELS = ["expo.expoedition", "expo.track"]
ORGANISER_MODELS = [
    f"organiser.{model}"
    for model in ("announcement", "announcementdelivery", "announcementoptout", "importjob")
]
SCHEDULE_MODELS = [
    f"schedule.{model}"
    for model in (
        "session",
        "registration",
        "stage",
        "question",
        "attendance",
        "certificate",
        "notice",
        "calendarfeed",
        "slide",
        "stageevent",
        "questionvote",
    )
]


def _merge(*tables):
    merged = {}
    for table in tables:
        for model, actions in table.items():
            merged.setdefault(model, set()).update(actions)
    return merged


# What each role may run, as {"app.model": {action names}}. A superuser may run everything.
ACTIONS = {
    ANALYST: EXPORTS,
    MODERATOR: _merge(
        EXPORTS,
        {
            "booths.booth": {"approve", "request_changes", "feature", "unfeature", "assign_hall"},
            "jobs.job": {"close_jobs"},
            "accounts.user": {"ban_from_chats"},
        },
        {f"chat.{model}": {"delete_selected"} for model in CHAT_MODELS_MODERATORS_DELETE},
    ),
    EXHIBITORS: _merge(
        EXPORTS,
        {
            "booths.booth": {"approve", "request_changes", "feature", "unfeature", "assign_hall"},
            "jobs.job": {"close_jobs"},
        },
    ),
    EVENTS: _merge(
        EXPORTS,
        {
            "schedule.session": {"cancel_and_notify"},
            "organiser.announcement": {"send_announcements"},
        },
        {"post_office.email": {"requeue_failed"}},
        {
            model: {"delete_selected"}
            for model in (*EXPO_MODELS, *SCHEDULE_MODELS, *ORGANISER_MODELS)
        },
    ),
    PLAIN: {},
}

# Custom admin URLs: (method, roles that get through). Starting an import writes companies,
# booths or jobs: only exhibitor relations may add and change those.
CUSTOM_URLS = {
    "dashboard": ("get", LOOKERS),
    "operations": ("get", LOOKERS),
    "organiser_announcement_progress": ("get", LOOKERS),
    "organiser_announcement_preview": ("get", LOOKERS),
    "organiser_importjob_progress": ("get", LOOKERS),
    "organiser_importjob_confirm": ("post", {EXHIBITORS}),
    "auth_user_password_change": ("get", set()),  # setting someone's password
    "booths_company_export": ("get", LOOKERS),
    "booths_booth_export": ("get", LOOKERS),
    "jobs_job_export": ("get", LOOKERS),
}
# Django's own site pages: each shows or finds only what the user may see (the index and app
# lists filter by permission, autocomplete checks the source field's admin, view_on_site
# redirects to the public page).
DJANGO_SITE_URLS = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "autocomplete",
    "jsi18n",
    "view_on_site",
    "app_list",
}


def staff(role):
    user = UserFactory(email=f"{role.replace(' ', '-')}@organiser.example.org", is_staff=True)
    if ROLES[role]:
        user.groups.add(Group.objects.get(name=ROLES[role]))
    return user


@pytest.fixture
def role_users(db):
    return {role: staff(role) for role in ROLES}


def model_label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def all_actions(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    return {
        model_label(model): model_admin.get_actions(request)
        for model, model_admin in admin.site._registry.items()
    }


def admin_urls(patterns=None):
    for pattern in admin.site.get_urls() if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from admin_urls(pattern.url_patterns)
        elif pattern.name:
            yield pattern


def model_admin_url_names():
    return {
        f"{model._meta.app_label}_{model._meta.model_name}_{view}"
        for model in admin.site._registry
        for view in ("changelist", "add", "history", "delete", "change")
    }


def custom_urls():
    standard = model_admin_url_names() | DJANGO_SITE_URLS
    return {p.name: p for p in admin_urls() if p.name not in standard}


def test_every_admin_action_declares_the_permission_it_needs(organiser):
    undeclared = [
        f"{model}: {name}"
        for model, actions in all_actions(organiser).items()
        for name, (func, _name, _description) in actions.items()
        if not getattr(func, "allowed_permissions", None)
    ]

    assert undeclared == []


def test_every_custom_admin_url_declares_its_permission_and_is_in_the_table():
    urls = custom_urls()

    assert {
        name: bool(getattr(p.callback, "admin_permissions", None)) for name, p in urls.items()
    } == {name: True for name in CUSTOM_URLS}


def run_action(client, model, action):
    """POST the action on a row that does not exist: what ran does nothing, and a refused
    action is told apart by Django's own refusal (403, or "No action selected.")."""
    app_label, model_name = model.split(".")
    client.cookies.pop("messages", None)  # only this request's messages count
    response = client.post(
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        {"action": action, "_selected_action": ["987654321"]},
    )
    if response.status_code == 403:
        return False
    if any(str(m) == "No action selected." for m in get_messages(response.wsgi_request)):
        return False
    if "admin/change_list.html" in [t.name for t in response.templates]:
        return False  # the model offers this user no action at all: the POST is ignored
    assert response.status_code in (200, 302), (model, action, response.status_code)
    return True


def runnable(client, actions):
    return {
        model: ran
        for model, names in sorted(actions.items())
        if (ran := {name for name in names if run_action(client, model, name)})
    }


def test_a_superuser_runs_every_action(client, organiser, edition):
    actions = all_actions(organiser)
    client.force_login(organiser)

    assert runnable(client, actions) == {
        model: set(names) for model, names in sorted(actions.items()) if names
    }


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_runs_exactly_its_actions(client, organiser, role_users, edition, role):
    client.force_login(role_users[role])

    assert runnable(client, all_actions(organiser)) == ACTIONS[role]


@pytest.fixture
def custom_url_args(edition, organiser):
    from expo.organiser.models import Announcement, ImportJob

    announcement = Announcement.objects.create(
        edition=edition, subject="S", body="B", segment=Announcement.Segment.ALL_TALENT
    )
    job = ImportJob.objects.create(kind="jobs", file="imports/x.csv", created_by=organiser)
    return {
        "organiser_announcement_progress": [announcement.pk],
        "organiser_announcement_preview": [announcement.pk],
        "organiser_importjob_progress": [job.pk],
        "organiser_importjob_confirm": [job.pk],
        "auth_user_password_change": [organiser.pk],
    }


def gets_through(client, name, args):
    method, _roles = CUSTOM_URLS[name]
    response = getattr(client, method)(reverse(f"admin:{name}", args=args))
    assert response.status_code in (200, 302, 403), (name, response.status_code)
    return response.status_code != 403


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_opens_exactly_its_custom_admin_pages(client, role_users, custom_url_args, role):
    client.force_login(role_users[role])

    opened = {name for name in CUSTOM_URLS if gets_through(client, name, custom_url_args.get(name))}

    assert opened == {name for name, (_method, roles) in CUSTOM_URLS.items() if role in roles}


def test_a_superuser_opens_every_custom_admin_page(client, organiser, custom_url_args):
    client.force_login(organiser)

    assert all(gets_through(client, name, custom_url_args.get(name)) for name in CUSTOM_URLS)


def test_the_admin_index_links_only_the_pages_a_role_may_open(client, role_users):
    client.force_login(role_users[PLAIN])
    plain = client.get(reverse("admin:index")).content.decode()
    client.force_login(role_users[ANALYST])
    analyst = client.get(reverse("admin:index")).content.decode()

    links = [reverse("admin:dashboard"), reverse("admin:operations")]
    assert [link in plain for link in links] == [False, False]
    assert [link in analyst for link in links] == [True, True]


def test_an_analysts_approve_is_refused_and_changes_nothing(
    client, role_users, edition, company_a, django_capture_on_commit_callbacks
):
    MembershipFactory(company=company_a, role="admin")
    submitted = BoothFactory(edition=edition, company=company_a, status=Booth.Status.SUBMITTED)
    live = BoothFactory(edition=edition, status=Booth.Status.APPROVED)
    client.force_login(role_users[ANALYST])
    url = reverse("admin:booths_booth_changelist")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "approve", "_selected_action": [submitted.pk]})
        client.post(
            url,
            {
                "action": "request_changes",
                "_selected_action": [live.pk],
                "apply": "1",
                "reason": "The analyst's text",
            },
        )
        client.post(url, {"action": "feature", "_selected_action": [submitted.pk, live.pk]})

    assert list(Booth.objects.order_by("pk").values_list("status", "is_featured")) == [
        (Booth.Status.SUBMITTED, False),
        (Booth.Status.APPROVED, False),
    ]
    assert mail.outbox == []


def test_a_moderator_approves_a_booth_and_the_company_is_emailed(
    client, role_users, edition, company_a, django_capture_on_commit_callbacks
):
    company_admin = MembershipFactory(company=company_a, role="admin").user
    submitted = BoothFactory(edition=edition, company=company_a, status=Booth.Status.SUBMITTED)
    client.force_login(role_users[MODERATOR])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:booths_booth_changelist"),
            {"action": "approve", "_selected_action": [submitted.pk]},
        )

    submitted.refresh_from_db()
    assert submitted.status == Booth.Status.APPROVED
    assert [m.to for m in mail.outbox] == [[company_admin.email]]
