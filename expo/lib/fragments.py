"""Cached fragments of pages that are the same for every visitor.

The hall's booth cards, a booth's page, the schedule's session cards and filters, the home
page's figures: what they show depends on the data, the language and the visitor's time zone,
not on who looks. They are rendered once and kept in the cache (Redis in production, shared by
every web process), under keys that carry

- a *version* per namespace ("booths", "jobs", "schedule", "edition"), bumped whenever a row
  they show changes (post_save/post_delete of the models each app registers with
  bump_on_change(), both at once and again after the transaction commits, so a page rendered
  from the old rows in between cannot outlive the commit);
- the active language and the visitor's own time zone (times are shown in both);
- whatever else the fragment depends on (a booth's id, the filters in the query string).

Writes that bypass the ORM's signals (bulk updates, raw SQL, seed_demo) call bump() themselves;
every fragment also expires after FRAGMENT_CACHE_SECONDS, which bounds what a missed bump or a
clock-derived state (a job past its deadline) can leave stale. Live state (recruiters online,
queue lengths, seats left, the visitor's own bookmarks and registrations) is never inside a
fragment: views fill it in around the cached parts.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

NAMESPACES = ("booths", "jobs", "schedule", "edition")
_VERSION_KEY = "fragver:{}"


def seconds():
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 300)


def versions(request=None) -> dict:
    """{namespace: version}, one cache round trip (remembered on the request)."""
    if request is not None and hasattr(request, "_fragment_versions"):
        return request._fragment_versions
    keys = {_VERSION_KEY.format(name): name for name in NAMESPACES}
    found = cache.get_many(list(keys))
    missing = {key: time.time_ns() for key in keys if key not in found}
    if missing:
        # The value we add is the version, unless another process added one meanwhile (then
        # read theirs); all in one round trip where the cache can (expo.lib.cache.add_many).
        add_many = getattr(cache, "add_many", None)
        if add_many is not None:
            added = set(add_many(missing, None))
        else:
            added = {key for key, version in missing.items() if cache.add(key, version, None)}
        found.update({key: missing[key] for key in added})
        if taken := [key for key in missing if key not in added]:
            found.update({key: 0 for key in taken} | cache.get_many(taken))
    result = {name: found[key] for key, name in keys.items()}
    if request is not None:
        request._fragment_versions = result
    return result


def bump(*namespaces) -> None:
    """Invalidate every fragment of these namespaces: now, and again after the transaction
    commits (rows read in between were still the old ones)."""

    def do_bump():
        cache.set_many({_VERSION_KEY.format(name): time.time_ns() for name in namespaces}, None)

    do_bump()
    transaction.on_commit(do_bump)


def bump_on_change(model, *namespaces) -> None:
    """Bump `namespaces` whenever a row of `model` is saved or deleted."""

    def handler(sender, **kwargs):
        bump(*namespaces)

    uid = f"fragments:{model._meta.label}:{'+'.join(namespaces)}"
    post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid)


def key(name, namespaces, *parts, request=None, zone=None) -> str:
    """The cache key of fragment `name` in the active language and time zone."""
    current = versions(request)
    if zone is None and request is not None:
        zone = getattr(request, "visitor_tz", None)
    version = ".".join(str(current[n]) for n in namespaces)
    extra = "\x1f".join(str(part) for part in parts)
    digest = hashlib.blake2b(extra.encode(), digest_size=12).hexdigest() if extra else ""
    return f"frag:{name}:{version}:{get_language() or ''}:{zone or ''}:{digest}"


def render_plain(template_name, request, context) -> str:
    """A fragment's template rendered without the context processors (a page renders dozens
    of cards on a cold cache; the processors' work is the same for each): only `context`,
    plus the request, its user and the visitor's time zone."""
    from django.template.loader import get_template

    return get_template(template_name).render(
        {
            "request": request,
            "user": getattr(request, "user", None),
            "visitor_tz": getattr(request, "visitor_tz", None),
            **context,
        }
    )


def get_or_render(cache_key, render) -> str:
    html = cache.get(cache_key)
    if html is None:
        html = str(render())
        cache.set(cache_key, html, seconds())
    return html


def get_many_or_render(keys: dict, render_missing) -> dict:
    """{item: html} for {item: cache key}: one round trip for the cached ones; the others are
    rendered together by render_missing([items]) -> {item: html} and stored in one more."""
    found = cache.get_many(list(keys.values())) if keys else {}
    result, missing = {}, []
    for item, cache_key in keys.items():
        if cache_key in found:
            result[item] = found[cache_key]
        else:
            missing.append(item)
    if missing:
        rendered = render_missing(missing)
        cache.set_many({keys[item]: str(html) for item, html in rendered.items()}, seconds())
        result.update(rendered)
    return result


# What a cached fragment with a form leaves to the request: the visitor's CSRF token and the
# page's address (for the form's "next"). Render with VISITOR_SLOTS in the context (templates
# take them as `csrf_token`, which {% csrf_token %} reads, and `next_path`); fill_visitor_slots()
# puts the visitor's values in with plain string replacement.
CSRF_SLOT, NEXT_SLOT = "\x00csrf\x00", "\x00next\x00"
VISITOR_SLOTS = {"csrf_token": mark_safe(CSRF_SLOT), "next_path": mark_safe(NEXT_SLOT)}  # noqa: S308


def fill_visitor_slots(html, request) -> str:
    """`html` with the visitor's CSRF token (asked for only when a form is there: it sets the
    CSRF cookie) and the page's address in place of the slots."""
    from django.middleware.csrf import get_token

    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, get_token(request))
    if NEXT_SLOT in html:
        html = html.replace(NEXT_SLOT, escape(request.get_full_path()))
    return html
