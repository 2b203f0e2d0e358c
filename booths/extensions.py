"""What the layers above booths add to the exhibition hall and to a booth's page.

booths sits below jobs, the schedule and chat (README, "Architecture") and imports none of
them. They register here from their AppConfig.ready(), each entry under a name so that a
second ready() replaces rather than doubles it:

- HALL_ANNOTATIONS: name -> function returning a queryset expression computed for every booth
  of the hall (jobs: ``open_jobs``).
- HALL_FILTERS: name -> function(queryset) narrowing the hall when the visitor ticks the
  filter of that name (jobs: ``hiring_abroad``).
- HALL_DECORATORS: name -> function(booths) setting attributes on a page of booths (chat:
  ``waiting_count``) in a fixed number of queries whatever the page size.
- BOOTH_PAGE_PARTS: name -> function(request, booth) returning template context for the booth's
  page (jobs: ``jobs`` and ``job_count``; the schedule: ``sessions``). What they return is
  rendered into the part of the page that is cached for every visitor (booths.views
  _booth_main): public content only, nothing about the visitor.
- BOOTH_VISITOR_PARTS: name -> function(request, booth) returning template context for the
  parts of a booth's page rendered afresh for each visitor, outside the cache (the schedule:
  free 1:1 times and the visitor's own booking).
"""

HALL_ANNOTATIONS = {}
HALL_FILTERS = {}
HALL_DECORATORS = {}
BOOTH_PAGE_PARTS = {}
BOOTH_VISITOR_PARTS = {}


def annotate_hall(queryset):
    return queryset.annotate(**{name: make() for name, make in HALL_ANNOTATIONS.items()})


def filter_hall(name, queryset):
    narrow = HALL_FILTERS.get(name)
    return queryset if narrow is None else narrow(queryset)


def decorate_hall(booths):
    for decorate in HALL_DECORATORS.values():
        decorate(booths)


def booth_page_context(request, booth) -> dict:
    context = {}
    for part in BOOTH_PAGE_PARTS.values():
        context.update(part(request, booth))
    return context


def booth_visitor_context(request, booth) -> dict:
    context = {}
    for part in BOOTH_VISITOR_PARTS.values():
        context.update(part(request, booth))
    return context
