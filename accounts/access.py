"""Who may download a talent's CV: the one rule, used by every view that serves one.

Beyond the owner and organiser staff, the apps above accounts say who else may read a CV
(CV_READERS, filled from their AppConfig.ready(): booths for a profile shared with the
reader's company, jobs for an application to it); accounts knows none of them."""

CV_READERS = {}


def register_cv_reader(name, rule):
    """rule(user, profile) -> bool; registering a name again replaces it."""
    CV_READERS[name] = rule


def can_download_cv(user, profile) -> bool:
    """The owner; organiser staff; whoever a registered rule admits (staff of a company the
    talent applied to or shared the profile with). Nobody else, never anonymous visitors."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == profile.user_id or user.is_staff:
        return True
    return any(rule(user, profile) for rule in CV_READERS.values())
