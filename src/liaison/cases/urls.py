"""Case pages. Each part of the work keeps its routes in its own block."""

from django.urls import path

from .views import analysis, casework, exchange, intake  # noqa: F401

app_name = "cases"

urlpatterns = []

# --- intake: reports, quick intake, duplicates (views/intake.py) ---
urlpatterns += []

# --- casework: case list, detail, people, timeline, tasks, summary (views/casework.py) ---
urlpatterns += [
    path("", casework.case_list, name="list"),
    path("<int:pk>/", casework.case_detail, name="detail"),
]

# --- analysis: dashboard, map, response-time targets (views/analysis.py) ---
urlpatterns += []

# --- exchange: HTCDS export (views/exchange.py) ---
urlpatterns += []
