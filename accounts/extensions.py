"""What the apps above accounts add to accounts, registered from their AppConfig.ready()
(accounts knows none of them), each under a name so that a second ready() replaces rather than
doubles it:

- DASHBOARD_PARTS: name -> function(request) returning template context for a user's dashboard
  (booths: bookmarks and membership; the schedule: registrations, bookings and certificates).
- WORKPLACES: name -> function(user) returning template context when the user works for a
  company (booths: the membership), else None; /me/ then shows their consoles rather than a
  talent profile.
- LANDINGS: name -> function(user) returning where the user lands after signing in, or None
  (booths: employer staff on their console). accounts.landing asks them in order.
"""

DASHBOARD_PARTS = {}
WORKPLACES = {}
LANDINGS = {}


def dashboard_context(request) -> dict:
    context = {}
    for part in DASHBOARD_PARTS.values():
        context.update(part(request))
    return context


def workplace_for(user) -> dict | None:
    for workplace in WORKPLACES.values():
        context = workplace(user)
        if context is not None:
            return context
    return None


def landing_for(user) -> str | None:
    for landing in LANDINGS.values():
        path = landing(user)
        if path:
            return path
    return None
