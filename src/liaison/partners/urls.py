from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("", views.body_list, name="body_list"),
    path("new/", views.body_edit, name="body_create"),
    path("import/", views.body_import, name="body_import"),
    path("import/report/<str:token>/", views.import_report, name="import_report"),
    path("<int:pk>/", views.body_detail, name="body_detail"),
    path("<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("<int:pk>/status/", views.body_status, name="body_status"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_edit, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:code>/", views.country_detail, name="country_detail"),
]
