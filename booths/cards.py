"""The hall's booth cards: rendered once per booth, language and bookmark state, kept in the
cache (expo/lib/fragments.py) and completed per request.

A card is the same for every visitor but for a few slots: whether recruiters are online (a
class and a line with the live counts), and for a signed-in visitor the CSRF token and the
page's address in the bookmark form. The cached HTML holds markers there; fill() puts the live
values in with plain string replacement, which costs microseconds where rendering the card's
template costs a fraction of a millisecond (24 of them per page).
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from expo.lib import fragments

TEMPLATE = "booths/_booth_card.html"
MARKERS = {
    "staffed": "\x00staffed\x00",
    "live": "\x00live\x00",
    "csrf": fragments.CSRF_SLOT,
    "next": fragments.NEXT_SLOT,
}


def live_line(staff_online, waiting):
    """What the hall's poll (static/js/chat.js) refreshes: recruiters online and queue."""
    return format_html(
        '<span class="live-dot" aria-hidden="true"></span> '
        "<span data-chat-summary-staffed>{}</span> · "
        "<span data-chat-summary-waiting>{}</span>",
        ngettext("%(counter)s recruiter online", "%(counter)s recruiters online", staff_online)
        % {"counter": staff_online},
        ngettext("%(counter)s waiting", "%(counter)s waiting", waiting) % {"counter": waiting},
    )


def _state(booth):
    if booth.is_bookmarked is None:
        return "anonymous"
    return "bookmarked" if booth.is_bookmarked else "not-bookmarked"


def render(request, booths, load):
    """[html] of the cards of `booths` (with staff_online_count, waiting_count and
    is_bookmarked set: None for an anonymous visitor), in order. The booths whose card is not
    cached are fetched with `load(ids) -> {id: booth}` (with open_jobs and company__sector)."""
    keys = {
        booth.pk: fragments.key("booth-card", ("booths",), booth.pk, _state(booth), request=request)
        for booth in booths
    }
    by_id = {booth.pk: booth for booth in booths}
    markers = {name: mark_safe(marker) for name, marker in MARKERS.items()}  # noqa: S308

    def render_missing(ids):
        full = load(ids)
        html = {}
        for pk in ids:
            booth = full[pk]
            booth.is_bookmarked = by_id[pk].is_bookmarked
            html[pk] = fragments.render_plain(TEMPLATE, request, {"booth": booth, "slots": markers})
        return html

    cached = fragments.get_many_or_render(keys, render_missing)
    cards = []
    for booth in booths:
        html = (
            cached[booth.pk]
            .replace(MARKERS["staffed"], " chat-staffed" if booth.staff_online_count else "")
            .replace(MARKERS["live"], live_line(booth.staff_online_count, booth.waiting_count))
        )
        html = fragments.fill_visitor_slots(html, request)
        cards.append(mark_safe(html))  # noqa: S308  (cached template output; values escaped)
    return cards
