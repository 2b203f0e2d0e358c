"""What the layers above jobs add to application pages, registered from their
AppConfig.ready() (jobs imports none of them), each under a name so that a second ready()
replaces rather than doubles it:

- APPLICATION_PARTS: name -> function(request, application) returning template context for
  the company's page of one application (the schedule: interview offers and times; chat: the
  conversations with the talent, their outcomes and the company's private notes and rating).
- MY_APPLICATIONS_DECORATORS: name -> function(applications) setting attributes on the
  talent's applications in a fixed number of queries (the schedule: ``interview`` and
  ``interview_offer``).
"""

APPLICATION_PARTS = {}
MY_APPLICATIONS_DECORATORS = {}


def application_context(request, application) -> dict:
    context = {}
    for part in APPLICATION_PARTS.values():
        context.update(part(request, application))
    return context


def decorate_my_applications(applications) -> list:
    applications = list(applications)
    for decorate in MY_APPLICATIONS_DECORATORS.values():
        decorate(applications)
    return applications
