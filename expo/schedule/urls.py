from django.urls import path

from . import views

app_name = "expo"

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/mine/", views.my_schedule, name="my_schedule"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/live/", views.live, name="live"),
    path("sessions/<int:pk>/slides/", views.upload_slides, name="upload_slides"),
    path("sessions/<int:pk>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path("sessions/<int:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("certificates/<str:code>.json", views.certificate_json, name="certificate_json"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
