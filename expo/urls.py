from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views
from .organiser.announcements.views import unsubscribe_view

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("brand.css", views.brand_css, name="brand_css"),
    path("accounts/", include("allauth.urls")),
    # Each app owns its paths (booths/ and console/booth/, jobs/ and console/jobs/, ...).
    path("", include("accounts.urls")),
    path("", include("booths.urls")),
    path("", include("jobs.urls")),
    path("", include("chat.urls")),
    path("", include("expo.schedule.urls", namespace="expo")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(
        "announcements/unsubscribe/<str:token>/", unsubscribe_view, name="announcement_unsubscribe"
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # Public media only (logos, banners); CVs live outside MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
