"""The overseas posts' pages, under /posts/."""

from django.urls import path

from .views import posts as views

app_name = "posts"

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("new/", views.post_edit, name="post_create"),
    path("<int:pk>/", views.post_detail, name="post_detail"),
    path("<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("<int:pk>/postings/", views.posting_add, name="posting_add"),
    path("<int:pk>/postings/<int:posting_pk>/end/", views.posting_end, name="posting_end"),
]
