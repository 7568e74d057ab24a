"""Case pages. Each part of the work keeps its routes in its own block."""

from django.urls import path

from .views import analysis, casework, exchange, intake

app_name = "cases"

urlpatterns = []

# --- intake: reports, quick intake, duplicates (views/intake.py) ---
urlpatterns += [
    path("reports/", intake.report_list, name="report_list"),
    path("reports/new/", intake.report_new, name="report_new"),
    path("reports/quick/", intake.quick_intake, name="quick_intake"),
    path("reports/duplicates/", intake.report_duplicates, name="report_duplicates"),
    path("reports/unprocessed/", intake.unprocessed, name="unprocessed"),
    path("reports/<int:pk>/", intake.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", intake.report_edit, name="report_edit"),
    path(
        "reports/<int:pk>/<slug:action>/",
        intake.report_action,
        name="report_action",
    ),
]

# --- casework: case list, detail, people, timeline, tasks, summary (views/casework.py) ---
urlpatterns += [
    path("", casework.case_list, name="list"),
    path("filters/", casework.saved_filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", casework.saved_filter_delete, name="filter_delete"),
    path("<int:pk>/", casework.case_detail, name="detail"),
    path("<int:pk>/summary/", casework.case_summary, name="summary"),
    path("<int:pk>/do/<slug:action>/", casework.case_action, name="action"),
    path("<int:pk>/do/<slug:action>/<int:item>/", casework.case_action, name="item_action"),
    path("<int:pk>/form/<slug:action>/", casework.case_action_form, name="action_form"),
    path(
        "<int:pk>/form/<slug:action>/<int:item>/",
        casework.case_action_form,
        name="item_action_form",
    ),
    path(
        "<int:pk>/passport/<slug:kind>/<int:item>/",
        casework.passport_reveal,
        name="passport",
    ),
    path("<int:pk>/documents/<int:entry>/", casework.document_download, name="document"),
]

# --- analysis: dashboard, map, response-time targets (views/analysis.py) ---
urlpatterns += [
    path("dashboard/", analysis.dashboard, name="dashboard"),
    path("targets/", analysis.response_targets, name="targets"),
]

# --- exchange: HTCDS export (views/exchange.py) ---
urlpatterns += [
    path("export/htcds/", exchange.htcds_export, name="htcds_export"),
]
