from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile_edit, name="profile"),
    path("me/cv/delete/", views.cv_delete, name="cv_delete"),
    path("me/data.json", views.data_export, name="data_export"),
    path("me/delete/", views.account_delete, name="delete"),
    path("cv/<int:user_id>/", views.cv_download, name="cv"),
]
