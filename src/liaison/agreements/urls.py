from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_edit, name="create"),
    path("import/", views.agreement_import, name="import"),
    path("import/report/<str:token>/", views.import_report, name="import_report"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("effectiveness/", views.effectiveness, name="effectiveness"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/badge/", views.notifications_badge, name="notifications_badge"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("occasions/", views.occasion_list, name="occasion_list"),
    path("occasions/<int:pk>/", views.occasion_detail, name="occasion_detail"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/summary/", views.agreement_summary, name="summary"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("<int:pk>/actions/<str:action>/", views.agreement_action, name="action"),
]
