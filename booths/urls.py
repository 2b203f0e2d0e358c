from django.urls import path

from . import views

app_name = "booths"

urlpatterns = [
    path("booths/", views.hall, name="hall"),
    path("booths/<slug:slug>/", views.detail, name="detail"),
    path("booths/<slug:slug>/bookmark/", views.bookmark, name="bookmark"),
    path("booths/<slug:slug>/share/", views.share_profile, name="share_profile"),
    path("booths/<slug:slug>/logo/", views.booth_image, {"kind": "logo"}, name="logo"),
    path("booths/<slug:slug>/banner/", views.booth_image, {"kind": "banner"}, name="banner"),
    path("booths/<slug:slug>/brochures/<int:pk>/", views.brochure_download, name="brochure"),
    path("console/", views.console, name="console"),
    path("console/booth/", views.console_booth, name="console_booth"),
    path("console/booth/submit/", views.console_submit, name="console_submit"),
    path("console/booth/brochures/", views.console_brochure_add, name="console_brochure_add"),
    path(
        "console/booth/brochures/<int:pk>/delete/",
        views.console_brochure_delete,
        name="console_brochure_delete",
    ),
    path("console/team/", views.console_team, name="console_team"),
    path(
        "console/team/members/<int:pk>/remove/",
        views.console_member_remove,
        name="console_member_remove",
    ),
    path(
        "console/team/invitations/<int:pk>/revoke/",
        views.console_invitation_revoke,
        name="console_invitation_revoke",
    ),
    path("console/invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("console/analytics/", views.console_analytics, name="console_analytics"),
    path("console/analytics.csv", views.console_analytics_csv, name="console_analytics_csv"),
]
