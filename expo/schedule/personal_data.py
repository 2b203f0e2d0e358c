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


def collect_bookings(user):
    return [
        {
            "company": b.booth.company.name,
            "kind": b.kind,
            "starts_at": iso(b.slot.starts_at),
            "ends_at": iso(b.slot.ends_at),
            "status": b.status,
            "booked_at": iso(b.created_at),
        }
        for b in user.bookings.select_related("booth__company", "slot")
    ]


def register():
    personal_data.register_collector("registrations", collect_registrations)
    personal_data.register_collector("bookings", collect_bookings)
