"""Liaison settings: one file, read from the environment, SQLite by default.

`LIAISON_DEPLOYMENT=production` turns on everything `manage.py check --deploy` asks for
and makes the secret key, allowed hosts and database URL required.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("LIAISON_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return default if value is None else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    return default if value is None else [v.strip() for v in value.split(",") if v.strip()]


def env_secret(name: str) -> str:
    """The secret key: required in production; elsewhere kept in var/ so sessions survive."""
    value = env_str(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when LIAISON_DEPLOYMENT=production")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


PRODUCTION = env_str("LIAISON_DEPLOYMENT", "development") == "production"
DEBUG = env_bool("LIAISON_DEBUG", False)
SECRET_KEY = env_secret("LIAISON_SECRET_KEY")
ALLOWED_HOSTS = env_list(
    "LIAISON_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "LIAISON_ALLOWED_HOSTS must be set when LIAISON_DEPLOYMENT=production"
    )
CSRF_TRUSTED_ORIGINS = env_list("LIAISON_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Only for its static Swagger UI and template: the API docs page then loads nothing
    # from a CDN, and runs under the Content-Security-Policy (no inline script).
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys: its credential model and py_webauthn's checks
    "liaison.core",
    "liaison.partners",
    "liaison.agreements",
    "liaison.personnel",
    "liaison.cases",
    "liaison",  # the project level: the home page and the demo data span every domain
    "liaison.bench",  # tooling above everything: `liaison bench cases`
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "liaison.core.operations.MetricsMiddleware",  # first: it times all the rest
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise: static files keep their caching and get no policy of their own.
    "liaison.core.headers.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "liaison.core.middleware.RequestContextMiddleware",
    # Outside every middleware that may write (sessions, sign-in, API tokens): it must see
    # their writes to pin the browser to the primary (routing.py).
    "liaison.core.middleware.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Acts in process_view, after ApiTokenMiddleware has marked a token request (core/mfa.py).
    "liaison.core.mfa.SecondFactorRequiredMiddleware",
    "liaison.core.middleware.ApiTokenMiddleware",
    # After the user is known, by session or token: records every refusal (core/refusals.py).
    "liaison.core.refusals.RefusalAuditMiddleware",
    "liaison.core.middleware.SessionKeepAliveMiddleware",
    "liaison.core.middleware.UserPreferencesMiddleware",
    "liaison.core.middleware.OversizedUploadMiddleware",  # after the user's language
    "django.contrib.messages.middleware.MessageMiddleware",
    "liaison.core.middleware.SessionAbsoluteLimitMiddleware",  # after messages: it says why
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "liaison.core.middleware.LoginRequiredByDefaultMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"
ASGI_APPLICATION = "liaison.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.core.context_processors.liaison",
            ],
        },
    },
]

# Database: the embedded SQLite file under var/ unless DATABASE_URL names another.
_sqlite_path = VAR_DIR / "liaison.sqlite3"
DATABASE_URL = env_str("DATABASE_URL")
if PRODUCTION and not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set when LIAISON_DEPLOYMENT=production")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{_sqlite_path}",
        conn_max_age=env_int("LIAISON_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of
    # one failing half-way; WAL lets readers go on while a write is in progress.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": env_str("LIAISON_TEST_SQLITE_NAME")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["ATOMIC_REQUESTS"] = False
    # Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator()) may
    # outlive the transaction that holds its server connection: turn them off there.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "LIAISON_DB_DISABLE_SERVER_SIDE_CURSORS", False
    )

# PostgreSQL's two roles: DATABASE_URL is the application's, which may only INSERT and
# SELECT audit entries; DATABASE_OWNER_URL the owner of the tables, used by `liaison
# migrate`, `liaison db-roles` and `liaison audit archive` (README, "The database").
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
if DATABASE_OWNER_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_OWNER_URL needs a PostgreSQL DATABASE_URL")
    DATABASES["owner"] = dj_database_url.parse(DATABASE_OWNER_URL, conn_max_age=0)
    DATABASES["owner"]["TEST"] = {"MIRROR": "default"}

# --- Several machines: a read replica and a connection pool (PostgreSQL only) ---
# DATABASE_REPLICA_URL names a hot standby of the primary. Only the dashboards, the analysis
# pages and exports read it, and never within LIAISON_REPLICA_PIN_SECONDS (default 5) of
# the browser's own last write: the lag allowed. Keep the standby's replay delay well under
# it (watch `now() - pg_last_xact_replay_timestamp()` on the standby), or people may miss
# their own changes on a dashboard once the window has passed (core/routing.py).
DATABASE_ROUTERS = ["liaison.core.routing.PrimaryReplicaRouter"]
LIAISON_REPLICA_PIN_SECONDS = env_int("LIAISON_REPLICA_PIN_SECONDS", 5)
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    # A replica that does not answer costs a read of the primary (routing.read_on_replica),
    # not a page that hangs; ?connect_timeout= in the URL overrides it.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Tests read the primary through the replica's alias: nothing to create for it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}


def db_pool_options(value: str | None) -> dict | None:
    """LIAISON_DB_POOL: off when unset, "0" or "off"; "1" or "on" for 2 to 10 connections
    per process; "MIN:MAX" to choose."""
    if value is None or value.strip().lower() in {"0", "false", "no", "off"}:
        return None
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        low, high = 2, 10
    else:
        try:
            low, high = (int(part) for part in value.split(":"))
        except ValueError:
            raise ImproperlyConfigured(
                f"LIAISON_DB_POOL is 1 or MIN:MAX (e.g. 2:10), not {value!r}"
            ) from None
        if not 0 <= low <= high or high < 1:
            raise ImproperlyConfigured(f"LIAISON_DB_POOL {value!r}: 0 <= MIN <= MAX, MAX >= 1")
    # timeout: how long a request waits for a free connection before it fails.
    return {"min_size": low, "max_size": high, "timeout": env_int("LIAISON_DB_POOL_TIMEOUT", 10)}


# LIAISON_DB_POOL keeps each process's connections open in psycopg's pool (Django 5.2): a
# request borrows one and gives it back, instead of connecting anew or holding one per
# thread. Django's pool replaces persistent connections, hence CONN_MAX_AGE 0. Size it per
# process (gunicorn worker): MAX about its threads; all processes' MAX below the server's
# max_connections. The embedded SQLite file has no server to pool connections to.
_db_pool = db_pool_options(env_str("LIAISON_DB_POOL"))
if _db_pool and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    for _database in DATABASES.values():
        _database.setdefault("OPTIONS", {})["pool"] = dict(_db_pool)
        _database["CONN_MAX_AGE"] = 0
    if "replica" in DATABASES:
        # A replica busy or away is worth a read of the primary (routing.py), not a wait.
        _replica_options = DATABASES["replica"]["OPTIONS"]
        _replica_options["pool"]["timeout"] = _replica_options["connect_timeout"]
# --- end of several machines ---

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["liaison.core.auth.UserWithAffiliationBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "core:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "liaison.core.passwords.ContextWordsValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after this many seconds without a request (idle expiry), give or take the
# refresh interval: a session in use is written at most that often (SessionKeepAlive).
SESSION_COOKIE_AGE = env_int("LIAISON_SESSION_IDLE_SECONDS", 30 * 60)
LIAISON_SESSION_REFRESH_SECONDS = env_int("LIAISON_SESSION_REFRESH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
CSRF_FAILURE_VIEW = "liaison.core.views.csrf_failure"  # styled under the CSP

# Lockout: this many failed logins for one username within the window lock it.
LIAISON_LOCKOUT_FAILURES = env_int("LIAISON_LOCKOUT_FAILURES", 5)
LIAISON_LOCKOUT_WINDOW_SECONDS = env_int("LIAISON_LOCKOUT_WINDOW_SECONDS", 15 * 60)
# Before any account counts, sign-in attempts per client address (core/ratelimit.py): a
# flood from one address gets 429 instead of locking officers out or hashing passwords.
LIAISON_LOGIN_RATE = env_str("LIAISON_LOGIN_RATE", "10/m")
# The proxies whose X-Forwarded-For is believed (addresses or CIDRs); from anyone else the
# client is REMOTE_ADDR. In production the default is nginx on the same host.
LIAISON_TRUSTED_PROXIES = env_list(
    "LIAISON_TRUSTED_PROXIES", ["127.0.0.1", "::1"] if PRODUCTION else []
)
# Sessions end this long after sign-in whatever the activity (CJIS AC-12).
LIAISON_SESSION_ABSOLUTE_SECONDS = env_int("LIAISON_SESSION_ABSOLUTE_SECONDS", 12 * 3600)
# Accounts nobody signed in to for this many days are disabled by the daily job.
LIAISON_INACTIVE_DAYS = env_int("LIAISON_INACTIVE_DAYS", 90)
LIAISON_ACCOUNT_JOBS_AT = env_str("LIAISON_ACCOUNT_JOBS_AT", "04:15")

# Retention (PIPA art. 21: personal data destroyed without delay once it is no longer
# needed). Days per kind of record, each counted from the date its rule names (each app's
# retention.py). The defaults follow the retention classes of the Public Records Management
# Act's enforcement decree (1, 3, 5, 10, 30 years) as a records schedule might assign them:
# set them from the agency's own schedule. The daily job runs at LIAISON_RETENTION_AT.
LIAISON_RETENTION_DAYS = {
    "cases.closed_case": env_int("LIAISON_RETENTION_DAYS_CLOSED_CASE", 10 * 365),
    "cases.report_without_case": env_int("LIAISON_RETENTION_DAYS_REPORT_WITHOUT_CASE", 3 * 365),
    "cases.intake_submission": env_int("LIAISON_RETENTION_DAYS_INTAKE_SUBMISSION", 90),
    # Submissions never processed (nor refused, nor taken back by their sender).
    "cases.unprocessed_submission": env_int("LIAISON_INTAKE_UNPROCESSED_PURGE_DAYS", 30),
    "agreements.ended_agreement": env_int("LIAISON_RETENTION_DAYS_ENDED_AGREEMENT", 30 * 365),
}
LIAISON_RETENTION_AT = env_str("LIAISON_RETENTION_AT", "02:30")
# How far ahead the retention page looks for what falls due.
LIAISON_RETENTION_NOTICE_DAYS = env_int("LIAISON_RETENTION_NOTICE_DAYS", 30)

# Agreements: the regulation's deadlines and the reminder job (see agreements/conf.py).
LIAISON_RESULT_REPORT_DUE_DAYS = env_int("LIAISON_RESULT_REPORT_DUE_DAYS", 30)
LIAISON_ANNUAL_REPORT_DUE = tuple(
    int(part) for part in env_str("LIAISON_ANNUAL_REPORT_DUE", "1-31").split("-")
)  # month-day of the year after the reported year
LIAISON_AGREEMENT_EXPIRY_WARNING_DAYS = env_int("LIAISON_AGREEMENT_EXPIRY_WARNING_DAYS", 90)
LIAISON_REMINDER_LEAD_DAYS = env_int("LIAISON_REMINDER_LEAD_DAYS", 14)
LIAISON_BASE_URL = env_str("LIAISON_BASE_URL", "http://127.0.0.1:8000")

# Cases: the file of field-encryption keys (passport numbers) lives outside the database.
LIAISON_FIELD_KEYS_FILE = Path(
    env_str("LIAISON_FIELD_KEYS_FILE", str(VAR_DIR / "keys" / "field-keys.json"))
)

# The audit trail's HMAC keys (core/audit_chain.py), outside the database: whoever can
# write the table cannot sign an entry. Required in production (`liaison audit
# rotate-key --create`); elsewhere created in var/ on first use.
LIAISON_AUDIT_KEY_FILE = Path(
    env_str("LIAISON_AUDIT_KEY_FILE", str(VAR_DIR / "keys" / "audit-keys.json"))
)
# Audit entries are kept at least this long (PIPA: two years); `liaison audit archive`
# refuses anything younger.
LIAISON_AUDIT_KEEP_DAYS = max(env_int("LIAISON_AUDIT_KEEP_DAYS", 730), 730)

# Home agency: facts about the country the agency serves are data, read from here.
LIAISON_HOME_COUNTRY = env_str("LIAISON_HOME_COUNTRY", "KR")
LIAISON_AGENCY_NAME = env_str("LIAISON_AGENCY_NAME", "Korean National Police Agency")
# What an authenticator app names the account's entry (core/mfa.py).
OTP_TOTP_ISSUER = LIAISON_AGENCY_NAME
# How long after proving the password and the second factor a passport number may be
# revealed, personal data exported or a role changed without proving them again.
LIAISON_REAUTH_SECONDS = env_int("LIAISON_REAUTH_SECONDS", 300)
# Passkeys (WebAuthn), the second choice of second factor (core/passkeys.py). A passkey is
# bound to the relying party ID, the site's host name, and works only from the origins
# listed; changing the ID later strands every passkey. In production both default to the
# first of LIAISON_ALLOWED_HOSTS and https:// on each named host; elsewhere they follow the
# host the page was served from (ALLOWED_HOSTS guards it), e.g. http://localhost:8000.
_NAMED_HOSTS = [h for h in ALLOWED_HOSTS if "*" not in h and not h.startswith(".")]
LIAISON_WEBAUTHN_RP_ID = env_str(
    "LIAISON_WEBAUTHN_RP_ID", _NAMED_HOSTS[0] if PRODUCTION and _NAMED_HOSTS else ""
)
LIAISON_WEBAUTHN_ORIGINS = env_list(
    "LIAISON_WEBAUTHN_ORIGINS", [f"https://{h}" for h in _NAMED_HOSTS] if PRODUCTION else []
)
OTP_WEBAUTHN_HELPER_CLASS = "liaison.core.passkeys.PasskeyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "liaison.core.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = LIAISON_AGENCY_NAME
OTP_WEBAUTHN_ALLOWED_ORIGINS = LIAISON_WEBAUTHN_ORIGINS
# A passkey is a second factor after the password here, never a sign-in on its own.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120
# Without configured origins (not in production) the helper derives the one origin from
# the request, so the library's "no allowed origins" check does not apply.
SILENCED_SYSTEM_CHECKS = [] if LIAISON_WEBAUTHN_ORIGINS else ["otp_webauthn.E030"]
# The system-use notice acknowledged at every sign-in (CJIS 5.5.4 AC-8), in each language.
LIAISON_USE_NOTICE_KO = env_str(
    "LIAISON_USE_NOTICE_KO",
    "이 시스템은 인가된 경찰 업무에만 사용할 수 있는 정부 정보시스템입니다. 모든 사용은 "
    "감시·기록되며 감사 대상입니다. 무단 사용이나 목적 외 사용은 금지되며 형사 처벌 및 "
    "징계의 대상이 될 수 있습니다. 로그인하면 이에 동의하는 것입니다.",
)
LIAISON_USE_NOTICE_EN = env_str(
    "LIAISON_USE_NOTICE_EN",
    "This is a government information system for authorised police work only. All use is "
    "monitored, recorded and subject to audit. Unauthorised use or use for any other purpose "
    "is prohibited and may lead to criminal and disciplinary penalties. By signing in you "
    "consent to these terms.",
)

LANGUAGE_CODE = env_str("LIAISON_LANGUAGE", "ko")
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "liaison_language"
TIME_ZONE = env_str("LIAISON_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("LIAISON_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("LIAISON_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads and job files go through Django's storage API: files under MEDIA_ROOT by default
# (one machine, or a directory every node mounts), or an S3-compatible store shared by
# every node with LIAISON_STORAGE=s3 (django-storages: `pip install 'liaison[s3]'`; the
# AWS_* variables below). The S3 path is documented but untested here: no S3 server can
# be installed on the build machine.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env_str("LIAISON_STORAGE", "files") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),  # MinIO, Ceph…: its URL
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,  # never a public URL: files are served by Liaison
            "file_overwrite": False,
        },
    }

# Background jobs (core.jobs): Huey's queue on Redis when LIAISON_REDIS_URL is set, else
# on a SQLite file in var/ (the embedded default: nothing to set up). Each test worker of
# pytest-xdist gets a queue and a cache of its own.
_TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
LIAISON_REDIS_URL = env_str("LIAISON_REDIS_URL")
LIAISON_QUEUE_URL = env_str(
    "LIAISON_QUEUE_URL", LIAISON_REDIS_URL or f"sqlite:///{VAR_DIR / 'queue.sqlite3'}"
)
LIAISON_QUEUE_NAME = env_str("LIAISON_QUEUE_NAME", "liaison") + _TEST_WORKER
LIAISON_JOB_HEARTBEAT_SECONDS = env_int("LIAISON_JOB_HEARTBEAT_SECONDS", 10)
# A running job with no heartbeat for this long is taken for lost and queued again.
LIAISON_JOB_LOST_AFTER_SECONDS = env_int("LIAISON_JOB_LOST_AFTER_SECONDS", 120)
LIAISON_JOB_RETRY_DELAY_SECONDS = env_int("LIAISON_JOB_RETRY_DELAY_SECONDS", 30)
LIAISON_JOB_KEEP_DAYS = env_int("LIAISON_JOB_KEEP_DAYS", 30)
# Past these sizes an import or an export leaves the request and runs as a job.
LIAISON_IMPORT_INLINE_ROWS = env_int("LIAISON_IMPORT_INLINE_ROWS", 500)
LIAISON_EXPORT_INLINE_ROWS = env_int("LIAISON_EXPORT_INLINE_ROWS", 5000)
# Readiness reports a queue whose oldest job waited longer than this as "lagging".
LIAISON_READY_MAX_QUEUE_LAG_SECONDS = env_int("LIAISON_READY_MAX_QUEUE_LAG_SECONDS", 600)
# /metrics answers only to `Authorization: Bearer <this>`; unset, it is not served.
LIAISON_METRICS_TOKEN = env_str("LIAISON_METRICS_TOKEN")
# The daily reminders (agreements), at this local time (TIME_ZONE).
LIAISON_REMINDERS_AT = env_str("LIAISON_REMINDERS_AT", "06:00")

# The cache is shared by every process and node: Redis when configured, else files in
# var/ (every process on this machine sees them). Nothing is kept per process that a
# change on another node could make wrong.
if env_str("LIAISON_CACHE_URL", LIAISON_REDIS_URL):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("LIAISON_CACHE_URL", LIAISON_REDIS_URL),
            "KEY_PREFIX": "liaison" + _TEST_WORKER,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / (_TEST_WORKER or "default")),
            # Past this many files a third are dropped: jobs' heartbeats live here too.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Uploads larger than this are refused with 413 before anything is written.
LIAISON_MAX_UPLOAD_BYTES = env_int("LIAISON_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = LIAISON_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

EMAIL_BACKEND = env_str("LIAISON_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("LIAISON_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LIAISON_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("LIAISON_FROM_EMAIL", "liaison@localhost")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No 'unsafe-inline' for scripts or styles (ASVS 5.0 V3.4.3): every script and stylesheet
# is a static file; the few that must sit in the page carry the request's nonce
# (`request.csp_nonce`). JSON data islands (json_script) do not execute and need none.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # Bootstrap's icons for form controls are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],  # ASVS 5.0 V3.4.3 asks for none; no page has a <base>
        "object-src": [NONE],
        # Where browsers report what the policy refused (ASVS 5.0 V3.4.7, core.csp_reports):
        # report-uri for those without the Reporting API, report-to (its endpoint in the
        # Reporting-Endpoints header, core.headers) for the others, which then ignore
        # report-uri.
        "report-uri": ["/csp-report/"],
        "report-to": "csp",
    },
}
# Reports of the policy taken per client address (N/s, N/m or N/h) before 429: a page a
# policy breaks reports on every view, but a flood is a stranger's.
LIAISON_CSP_REPORT_RATE = env_str("LIAISON_CSP_REPORT_RATE", "60/m")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("LIAISON_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("LIAISON_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The health check comes from the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LIAISON_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
# Offsets bounded to the database's integer range (a larger one is 422, not 500).
NINJA_PAGINATION_CLASS = "liaison.core.api_input.Pagination"
