from django.urls import path

from . import access_review_views, job_views, mfa_views, passkey_views, retention_views, views

app_name = "core"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/second-factor/", mfa_views.second_factor, name="second_factor"),
    path("login/enrol/", mfa_views.enrol, name="mfa_enrol"),
    path("login/again/", mfa_views.reauthenticate, name="reauthenticate"),
    path("login/passkey/begin/", passkey_views.verification_begin, name="passkey_verify_begin"),
    path(
        "login/passkey/complete/",
        passkey_views.verification_complete,
        name="passkey_verify_complete",
    ),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path(
        "profile/recovery-codes/",
        mfa_views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path(
        "profile/passkeys/begin/", passkey_views.registration_begin, name="passkey_register_begin"
    ),
    path(
        "profile/passkeys/complete/",
        passkey_views.registration_complete,
        name="passkey_register_complete",
    ),
    path("profile/passkeys/<int:pk>/remove/", passkey_views.passkey_remove, name="passkey_remove"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user_unlock"),
    path(
        "users/<int:pk>/second-factors/reset/",
        mfa_views.user_second_factors_reset,
        name="user_second_factors_reset",
    ),
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/new/", views.institution_edit, name="institution_create"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("institutions/<int:pk>/edit/", views.institution_edit, name="institution_edit"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audit/access-review/", access_review_views.access_review_page, name="access_review"),
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/start/<str:kind>/", job_views.job_start, name="job_start"),
    path("jobs/<uuid:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/progress/", job_views.job_progress, name="job_progress"),
    path("jobs/<uuid:pk>/cancel/", job_views.job_cancel, name="job_cancel"),
    path("jobs/<uuid:pk>/retry/", job_views.job_retry, name="job_retry"),
    path("jobs/<uuid:pk>/file/", job_views.job_file, name="job_file"),
    path("retention/", retention_views.retention_overview, name="retention"),
]
