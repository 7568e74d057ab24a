"""Every URL of the product, included explicitly."""

from django.urls import include, path

from liaison import home
from liaison.api import api
from liaison.core import csp_reports, operations

urlpatterns = [
    path("", home.home, name="home"),
    path("", include("liaison.core.urls")),
    path("partners/", include("liaison.partners.urls")),
    path("agreements/", include("liaison.agreements.urls")),
    path("cases/", include("liaison.cases.urls")),
    path("posts/", include("liaison.cases.post_urls")),
    path("api/v1/", api.urls),
    path("healthz", operations.ready, name="health"),
    path("healthz/live", operations.live, name="health_live"),
    path("healthz/ready", operations.ready, name="health_ready"),
    path("metrics", operations.metrics, name="metrics"),
    path("csp-report/", csp_reports.receive, name="csp_report"),
]

handler400 = "liaison.core.views.bad_request"
handler403 = "liaison.core.views.permission_denied"
handler404 = "liaison.core.views.page_not_found"
handler500 = "liaison.core.views.server_error"
