from django.urls import path

from . import meeting_views, views

app_name = "expo"

urlpatterns = [
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/mine/", views.my_schedule, name="my_schedule"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("sessions/<int:pk>/live/", views.live, name="live"),
    path("sessions/<int:pk>/slides/", views.upload_slides, name="upload_slides"),
    path("sessions/<int:pk>/slides/status/", views.slides_status, name="slides_status"),
    path("sessions/<int:pk>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path("sessions/<int:pk>/calendar.ics", views.session_ics, name="session_ics"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("console/agenda/", meeting_views.agenda, name="agenda"),
    path("console/agenda/slots/<int:pk>/cancel/", meeting_views.slot_cancel, name="slot_cancel"),
    path(
        "console/agenda/bookings/<int:pk>/no-show/",
        meeting_views.booking_no_show,
        name="booking_no_show",
    ),
    path(
        "console/applications/<int:application_pk>/interview/",
        meeting_views.offer_interview,
        name="offer_interview",
    ),
    path(
        "console/interviews/<int:pk>/withdraw/", meeting_views.offer_withdraw, name="offer_withdraw"
    ),
    path("schedule/slots/<int:pk>/book/", meeting_views.book, name="book"),
    path("schedule/bookings/<int:pk>/cancel/", meeting_views.booking_cancel, name="booking_cancel"),
    path(
        "schedule/bookings/<int:pk>/reschedule/",
        meeting_views.booking_reschedule,
        name="booking_reschedule",
    ),
    path("schedule/bookings/<int:pk>/calendar.ics", meeting_views.booking_ics, name="booking_ics"),
    path("schedule/interviews/<int:pk>/", meeting_views.interview_offer, name="interview_offer"),
    path("certificates/<str:code>/", views.certificate, name="certificate"),
    path("certificates/<str:code>.json", views.certificate_json, name="certificate_json"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
