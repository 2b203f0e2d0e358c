"""The schedule's part of a user's personal data (registered in ScheduleConfig.ready(), see
accounts/personal_data.py)."""

from accounts import personal_data
from accounts.personal_data import iso


def collect_registrations(user):
    return [
        {
            "session": r.session.title,
            "starts_at": iso(r.session.starts_at),
            "status": r.status,
            "registered_at": iso(r.created_at),
        }
        for r in user.registrations.select_related("session")
    ]


def register():
    personal_data.register_collector("registrations", collect_registrations)
