"""Pages of the overseas posts: the list, one post with its officers and open cases, and
the office's forms to open or edit a post and to post an officer or end a posting. They
live in cases because each post's page shows its case workload (cases.workload)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.formstyle import bootstrapify
from liaison.core.permissions import Perm, can, require
from liaison.core.views import save_form
from liaison.personnel import selectors, services
from liaison.personnel.forms import PostForm, PostingEndForm, PostingForm
from liaison.personnel.models import Post, Posting

from .. import workload

NAV = {"active_nav": "cases"}


@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_CASES)
    return render(
        request,
        "cases/posts/list.html",
        {
            **NAV,
            "posts": workload.posts_for(request.user),
            "can_manage": can(request.user, Perm.MANAGE_CASE_SETTINGS),
        },
    )


def _detail(request, post: Post, *, posting_form=None, end_forms=None, status=200):
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    cases, total = workload.open_cases_of(user, post, now=now)
    can_manage = can(user, Perm.MANAGE_CASE_SETTINGS)
    postings = selectors.postings_of(post, today=today)
    end_forms = end_forms or {}
    for posting in postings:
        posting.end_form = end_forms.get(posting.pk) or (
            bootstrapify(PostingEndForm(prefix=f"end-{posting.pk}"))
            if can_manage and posting.ended_on is None
            else None
        )
    return render(
        request,
        "cases/posts/detail.html",
        {
            **NAV,
            "post": post,
            "local_time": selectors.local_time(post, now),
            "postings": postings,
            "cases": cases,
            "case_total": total,
            "can_manage": can_manage,
            "posting_form": posting_form or (bootstrapify(PostingForm()) if can_manage else None),
        },
        status=status,
    )


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_CASES)
    return _detail(request, get_object_or_404(Post.objects.select_related("country"), pk=pk))


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    require(user, Perm.MANAGE_CASE_SETTINGS)
    post = get_object_or_404(Post, pk=pk) if pk else None
    form = PostForm(request.POST or None, instance=post)
    saved = save_form(
        request,
        form,
        lambda data: (
            services.post_update(actor=user, post=post, data=data)
            if post
            else services.post_create(actor=user, data=data)
        ),
    )
    if saved:
        messages.success(request, _("The post is saved."))
        return redirect("posts:post_detail", pk=saved.pk)
    return render(
        request,
        "cases/posts/form.html",
        {**NAV, "form": bootstrapify(form), "post": post},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def posting_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, Perm.MANAGE_CASE_SETTINGS)
    post = get_object_or_404(Post, pk=pk)
    form = PostingForm(request.POST)
    saved = save_form(
        request, form, lambda data: services.posting_add(actor=user, post=post, **data)
    )
    if saved:
        messages.success(request, _("%(officer)s is posted here.") % {"officer": saved.officer})
        return redirect("posts:post_detail", pk=post.pk)
    return _detail(request, post, posting_form=bootstrapify(form), status=400)


@require_POST
def posting_end(request: HttpRequest, pk: int, posting_pk: int) -> HttpResponse:
    user = request.user
    require(user, Perm.MANAGE_CASE_SETTINGS)
    posting = get_object_or_404(Posting.objects.select_related("post"), pk=posting_pk, post=pk)
    form = PostingEndForm(request.POST, prefix=f"end-{posting.pk}")
    saved = save_form(
        request,
        form,
        lambda data: services.posting_end(actor=user, posting=posting, ended_on=data["ended_on"]),
    )
    if saved:
        messages.success(request, _("The posting is ended."))
        return redirect("posts:post_detail", pk=posting.post_id)
    return _detail(request, posting.post, end_forms={posting.pk: bootstrapify(form)}, status=400)
