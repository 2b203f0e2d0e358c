"""What the apps above accounts add to a user's dashboard, registered from their
AppConfig.ready() (accounts knows none of them): name -> function(request) returning template
context (booths: bookmarks and membership; the schedule: registrations and certificates)."""

DASHBOARD_PARTS = {}


def dashboard_context(request) -> dict:
    context = {}
    for part in DASHBOARD_PARTS.values():
        context.update(part(request))
    return context
