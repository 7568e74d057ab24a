"""Case pages. Each part of the work keeps its routes in its own block."""

from django.urls import path

from .views import analysis, case_list, case_page, exchange, intake, passport_search

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

# --- the case list and its saved filters (views/case_list.py) ---
urlpatterns += [
    path("", case_list.case_list, name="list"),
    path("filters/", case_list.saved_filter_save, name="filter_save"),
    path("search/passport/", passport_search.passport_search, name="passport_search"),
    path("filters/<int:pk>/delete/", case_list.saved_filter_delete, name="filter_delete"),
]

# --- one case: its page, actions, summary, passport, documents (views/case_page.py) ---
urlpatterns += [
    path("<int:pk>/", case_page.case_detail, name="detail"),
    path("<int:pk>/summary/", case_page.case_summary, name="summary"),
    path("<int:pk>/do/<slug:action>/", case_page.case_action, name="action"),
    path("<int:pk>/do/<slug:action>/<int:item>/", case_page.case_action, name="item_action"),
    path("<int:pk>/form/<slug:action>/", case_page.case_action_form, name="action_form"),
    path(
        "<int:pk>/form/<slug:action>/<int:item>/",
        case_page.case_action_form,
        name="item_action_form",
    ),
    path(
        "<int:pk>/passport/<slug:kind>/<int:item>/",
        case_page.passport_reveal,
        name="passport",
    ),
    path("<int:pk>/documents/<int:entry>/", case_page.document_download, name="document"),
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
