from django.urls import path

from . import feeds, views

app_name = "jobs"

urlpatterns = [
    # Talent
    path("jobs/", views.job_search, name="search"),
    path("jobs/for-you/", views.for_you, name="for_you"),
    path("jobs/saved/", views.saved_jobs, name="saved"),
    path("jobs/applications/", views.my_applications, name="my_applications"),
    path("jobs/applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("jobs/applications/<int:pk>/cv/", views.application_cv, name="application_cv"),
    path("jobs/<int:pk>/", views.job_detail, name="detail"),
    path("jobs/<int:pk>/apply/", views.apply, name="apply"),
    path("jobs/<int:pk>/save/", views.toggle_save, name="toggle_save"),
    # Feeds
    path("feeds/jobs/", feeds.LatestJobsFeed(), name="feed"),
    path("feeds/jobs/atom/", feeds.LatestJobsAtomFeed(), name="feed_atom"),
    path("feeds/companies/<slug:slug>/jobs/", feeds.CompanyJobsFeed(), name="company_feed"),
    path(
        "feeds/companies/<slug:slug>/jobs/atom/",
        feeds.CompanyJobsAtomFeed(),
        name="company_feed_atom",
    ),
    # Employer console
    path("console/jobs/", views.console, name="console"),
    path("console/jobs/new/", views.job_edit, name="job_create"),
    path("console/jobs/<int:pk>/edit/", views.job_edit, name="job_edit"),
    path("console/jobs/<int:pk>/state/", views.job_state, name="job_state"),
    path("console/jobs/<int:pk>/applicants/", views.job_pipeline, name="job_pipeline"),
    path("console/applicants/", views.pipeline, name="pipeline"),
    path("console/applicants/bulk/", views.pipeline_bulk, name="pipeline_bulk"),
    path("console/applicants/export.csv", views.pipeline_export, name="pipeline_export"),
    path("console/applicants/<int:pk>/", views.application_detail, name="application"),
    path(
        "console/applicants/<int:pk>/status/", views.application_status, name="application_status"
    ),
    path("console/applicants/<int:pk>/notes/", views.application_note, name="application_note"),
    path("console/talent/", views.talent_search, name="talent_search"),
]
