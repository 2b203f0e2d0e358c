from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from expo.lib.admin_permissions import permission_required

from .models import ProfileShare, TalentProfile, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "language", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "memberships__role"]
    search_fields = ["email", "full_name"]
    date_hierarchy = "date_joined"
    # booths adds the memberships inline and chat the ban action (their admin.py): accounts
    # knows neither.
    inlines = []
    actions = []
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language", "time_zone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )

    @permission_required("change")
    def user_change_password(self, request, id, form_url=""):
        """Django's own view (it checks the same permission on the user row too)."""
        return super().user_change_password(request, id, form_url)


@admin.register(TalentProfile)
class TalentProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "headline",
        "education_level",
        "experience_level",
        "region",
        "is_discoverable",
        "updated_at",
    ]
    list_filter = ["education_level", "experience_level", "region", "is_discoverable", "sectors"]
    search_fields = ["user__email", "user__full_name", "headline", "skills", "institution"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["sectors"]
    exclude = ["cv"]
    readonly_fields = ["cv_uploaded_at", "updated_at"]


@admin.register(ProfileShare)
class ProfileShareAdmin(admin.ModelAdmin):
    list_display = ["talent", "company", "created_at"]
    list_select_related = ["talent", "company"]
    search_fields = ["talent__email", "company__name"]
    raw_id_fields = ["talent", "company"]


class ExpoEmailAddressAdmin(EmailAddressAdmin):
    """allauth's admin, with its one action declaring the permission it needs."""

    @admin.action(
        description=EmailAddressAdmin.make_verified.short_description,  # allauth translates it
        permissions=["change"],
    )
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, ExpoEmailAddressAdmin)
