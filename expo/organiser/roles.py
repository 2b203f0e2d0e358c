"""The organiser's staff roles as Django groups, kept in step with the models.

Each role is a list of rules (app label, model name or "*", actions). `sync_staff_roles` runs
after every migration (see OrganiserConfig.ready), so a model added later gets its permissions in
the roles without a data migration. A superuser remains the organiser's full administrator.
"""

from django.utils.translation import gettext_lazy as _

OUR_APPS = ("expo", "schedule", "organiser", "accounts", "booths", "jobs", "chat")
AUDIT_LOG = ("admin", "logentry", ("view",))  # every role may read who changed what
OUTBOX = ("post_office", "*", ("view",))  # every role may see what was emailed, and its log
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL = (VIEW, ADD, CHANGE, DELETE)

ROLES = {
    # Names are stored in the database; the translated label is for documentation and admin.
    "Read-only analyst": {
        "label": _("Read-only analyst"),
        "rules": [*[(app, "*", (VIEW,)) for app in OUR_APPS], AUDIT_LOG, OUTBOX],
    },
    "Content moderator": {
        "label": _("Content moderator"),
        "rules": [
            *[(app, "*", (VIEW,)) for app in OUR_APPS],
            AUDIT_LOG,
            OUTBOX,
            ("booths", "booth", (CHANGE,)),
            ("booths", "company", (CHANGE,)),
            ("jobs", "job", (CHANGE,)),
            ("chat", "*", (ADD, CHANGE, DELETE)),
        ],
    },
    # Onboards the exhibitors: companies, their staff, booths and jobs, by hand or by import
    # (confirming an import adds and changes those rows), and approves booths once complete.
    "Exhibitor relations": {
        "label": _("Exhibitor relations"),
        "rules": [
            *[(app, "*", (VIEW,)) for app in OUR_APPS],
            AUDIT_LOG,
            OUTBOX,
            ("booths", "company", (ADD, CHANGE)),
            ("booths", "membership", (ADD, CHANGE)),
            ("booths", "invitation", (ADD, CHANGE)),
            ("booths", "booth", (ADD, CHANGE)),
            ("booths", "brochure", (ADD, CHANGE)),
            ("jobs", "job", (ADD, CHANGE)),
            ("organiser", "importjob", (ADD, CHANGE)),
        ],
    },
    "Events team": {
        "label": _("Events team"),
        "rules": [
            *[(app, "*", (VIEW,)) for app in OUR_APPS],
            AUDIT_LOG,
            OUTBOX,
            ("expo", "*", ALL),
            ("schedule", "*", ALL),
            ("organiser", "*", ALL),
            ("post_office", "email", (CHANGE,)),  # send failed emails again
        ],
    },
}


def permissions_for(rules):
    from django.contrib.auth.models import Permission

    wanted = set()
    perms = Permission.objects.select_related("content_type").filter(
        content_type__app_label__in={app for app, _, _ in rules}
    )
    for perm in perms:
        action, _, model = perm.codename.partition("_")
        for app, rule_model, actions in rules:
            if (
                perm.content_type.app_label == app
                and rule_model in ("*", perm.content_type.model)
                and action in actions
                and model == perm.content_type.model
            ):
                wanted.add(perm.pk)
    return wanted


def sync_staff_roles(**kwargs):
    """Create the role groups and set exactly their permissions. Idempotent."""
    from django.contrib.auth.models import Group

    for name, role in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions_for(role["rules"]))
