"""Every custom admin page says which permission it needs, the way `@admin.action(permissions=...)`
does for actions, and is refused (403) without it.

    @permission_required("view")                      # ModelAdmin.has_view_permission(request)
    def progress_view(self, request, pk): ...

    @permission_required("expo.view_expoedition")     # request.user.has_perm(...)
    def dashboard_view(self, request): ...

A short name calls the admin's `has_<name>_permission(request)` (so a ModelAdmin's own rules
apply); a dotted name is a model permission checked on the user. The names stay readable on the
view as `admin_permissions` (and survive `admin_view`, which copies the wrapped function's
attributes), which is how tests/expo/test_admin_permissions.py proves that no custom admin URL
was left without one.
"""

import functools

from django.core.exceptions import PermissionDenied


def has_admin_permissions(admin, request, permissions) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    for name in permissions:
        if "." in name:
            if not user.has_perm(name):
                return False
        elif not getattr(admin, f"has_{name}_permission")(request):
            return False
    return True


def permission_required(*permissions):
    if not permissions:
        raise TypeError("permission_required() needs at least one permission")

    def decorate(view):
        @functools.wraps(view)
        def wrapper(admin, request, *args, **kwargs):
            if not has_admin_permissions(admin, request, permissions):
                raise PermissionDenied
            return view(admin, request, *args, **kwargs)

        wrapper.admin_permissions = permissions
        return wrapper

    return decorate
