"""The benchmark's URL configuration: the product's own, plus one page that does nothing but
answer a signed-in user. Its time beside its SQL (the session and the user) is what the
framework costs before a page does any work: the least any page's ratio can be."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from liaison import urls as product_urls


def signed_in_empty(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [
    path("bench/signed-in-empty/", signed_in_empty, name="bench_signed_in_empty"),
    *product_urls.urlpatterns,
]
handler400 = product_urls.handler400
handler403 = product_urls.handler403
handler404 = product_urls.handler404
handler500 = product_urls.handler500
