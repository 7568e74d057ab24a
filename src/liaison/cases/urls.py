"""Case pages. Each part of the work keeps its routes in its own block."""

from django.urls import path  # noqa: F401

from .views import analysis, casework, exchange, intake  # noqa: F401

app_name = "cases"

urlpatterns = []

# --- intake: reports, quick intake, duplicates (views/intake.py) ---
urlpatterns += []

# --- casework: case list, detail, people, timeline, tasks, summary (views/casework.py) ---
urlpatterns += []

# --- analysis: dashboard, map, response-time targets (views/analysis.py) ---
urlpatterns += []

# --- exchange: HTCDS export (views/exchange.py) ---
urlpatterns += []
