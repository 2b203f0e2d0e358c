from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from booths.models import Membership
from expo.admin_permissions import permission_required

from .models import ProfileShare, TalentProfile, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["company"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "language", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language", "memberships__role"]
    search_fields = ["email", "full_name"]
    date_hierarchy = "date_joined"
    inlines = [MembershipInline]
    actions = ["ban_from_chats"]
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

    def has_ban_permission(self, request):
        """A ban is a chat.Ban row: the content moderators' right, not a change to the user."""
        return request.user.has_perm("chat.add_ban")

    @admin.action(description=_("Ban the selected users from all chats"), permissions=["ban"])
    def ban_from_chats(self, request, queryset):
        """Their open chat sockets close at once (chat.signals); organiser staff are skipped."""
        from chat.models import Ban

        banned = 0
        for user in queryset.filter(is_staff=False):
            _ban, created = Ban.objects.get_or_create(
                user=user,
                defaults={
                    "banned_by": request.user,
                    "reason": "Banned by the organiser from the user list.",
                },
            )
            banned += created
        self.message_user(
            request,
            ngettext(
                "%(count)d user banned from all chats.",
                "%(count)d users banned from all chats.",
                banned,
            )
            % {"count": banned},
            messages.SUCCESS,
        )


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
