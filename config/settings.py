"""The one settings module: everything that differs between machines comes from the environment."""

import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer may keep variables in .env; real deployments set them in the process environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept on this machine.

    The file fallback serves the embedded default and tests on one machine; several processes
    on several hosts (docker compose) must share SECRET_KEY, so the compose file requires it.
    """
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(exist_ok=True)
    key = secrets.token_urlsafe(64)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "kerne.apps.KerneAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "kerne",
    "visitation",
    "familieplan",
    "registrering",
    "investering",
    "netvaerk",
    "kontakt",
    "rapporter",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kerne.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kerne.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Only marks request.user.is_verified(); the second factor is demanded by the sign-in
    # flow (kerne.auth_views) and the token endpoint, not by a check on every request.
    "django_otp.middleware.OTPMiddleware",
    "kerne.middleware.SessionLifetimeMiddleware",
    "kerne.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the authenticated user and answers lockouts itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kerne.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL unset: the embedded default, one SQLite file in the project folder.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation costs seconds on the report statements (their row estimates are large
    # enough to trigger it) and never pays back on this workload of short queries.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username or client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Danish practice for systems holding personal data: block after 3 failed sign-ins in 24 hours.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=3)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=24.0)
# Either the username or the client reaching the limit locks: one protects the account,
# the other stops one client from guessing across many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list(
    "AXES_IP_HEADERS", default=["REMOTE_ADDR"]
)  # behind a proxy: ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False

# --- Second factor (TOTP) for local accounts -------------------------------------------------
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Helhedsindsats")
# A sign-in waiting for its code is forgotten after this many seconds.
TOTP_PENDING_SECONDS = env.int("TOTP_PENDING_SECONDS", default=300)

# --- OpenID Connect: staff through the municipality's IdP, families through a MitID broker --
# Each client is off until its *_ENABLED is true; the demo and the embedded default keep local
# accounts only. docs/operations.md describes every variable.
NSIS_LOA_CLAIM = "https://data.gov.dk/concept/core/nsis/loa"
NSIS_LOA_BETYDELIG = [
    "https://data.gov.dk/concept/core/nsis/loa/Substantial",
    "https://data.gov.dk/concept/core/nsis/loa/High",
]


def _oidc_client(prefix: str, **defaults: object) -> dict:
    """The settings of one OpenID Connect client, read from <prefix>_* variables."""
    return {
        "ENABLED": env.bool(f"{prefix}_ENABLED", default=False),
        "OP_ISSUER": env.str(f"{prefix}_OP_ISSUER", default=""),
        "OP_AUTHORIZATION_ENDPOINT": env.str(f"{prefix}_OP_AUTHORIZATION_ENDPOINT", default=""),
        "OP_TOKEN_ENDPOINT": env.str(f"{prefix}_OP_TOKEN_ENDPOINT", default=""),
        "OP_USER_ENDPOINT": env.str(f"{prefix}_OP_USER_ENDPOINT", default=""),
        "OP_JWKS_ENDPOINT": env.str(f"{prefix}_OP_JWKS_ENDPOINT", default=""),
        "RP_CLIENT_ID": env.str(f"{prefix}_RP_CLIENT_ID", default=""),
        "RP_CLIENT_SECRET": env.str(f"{prefix}_RP_CLIENT_SECRET", default=""),
        "RP_SIGN_ALGO": env.str(f"{prefix}_RP_SIGN_ALGO", default="RS256"),
        "RP_SCOPES": env.str(f"{prefix}_RP_SCOPES", default=str(defaults["scopes"])),
        "LOA_CLAIM": env.str(f"{prefix}_LOA_CLAIM", default=NSIS_LOA_CLAIM),
        "LOA_ACCEPTED": env.list(f"{prefix}_LOA_ACCEPTED", default=NSIS_LOA_BETYDELIG),
        "TIMEOUT": env.int(f"{prefix}_TIMEOUT_SECONDS", default=10),
        **{key.upper(): value for key, value in defaults.items() if key != "scopes"},
    }


OIDC_STAFF = _oidc_client(
    "OIDC",
    scopes="openid profile email",
    # Each value "<prefix>:<projektkode>:<rolle>" gives that role in that project.
    role_claim=env.str("OIDC_ROLE_CLAIM", default="roles"),
    role_prefix=env.str("OIDC_ROLE_PREFIX", default="helhed"),
)
OIDC_MITID = _oidc_client(
    "MITID",
    scopes="openid",
    cpr_claim=env.str("MITID_CPR_CLAIM", default="dk.cpr"),
)
if OIDC_STAFF["ENABLED"]:
    AUTHENTICATION_BACKENDS.append("kerne.oidc.StaffOidcBackend")
if OIDC_MITID["ENABLED"]:
    AUTHENTICATION_BACKENDS.append("kerne.oidc.MitIdBackend")

# Idle timeout: the session's expiry, renewed at most once a minute while the user works
# (kerne.middleware.SessionLifetimeMiddleware), not by a write on every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# An API token is refused this many hours after it was issued (ASVS V3.5.2).
API_TOKEN_HOURS = env.int("API_TOKEN_HOURS", default=12)
SESSION_SAVE_EVERY_REQUEST = False
# Absolute limit: signed out this long after sign-in, however active (ASVS V3.3.2).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_HOURS", default=12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous object grants: deny by default

# --- HTTPS (production) ---------------------------------------------------------------------
# HTTPS=true behind the TLS-terminating proxy turns on redirects, HSTS and Secure cookies.
HTTPS = env.bool("HTTPS", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading binds the municipality's whole registrable domain to HTTPS in every browser: a
# decision for the domain's owner, not for one application on it (HSTS_PRELOAD=true opts in).
SECURE_HSTS_PRELOAD = HTTPS and env.bool("HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    # The __Host- prefix binds the cookie to this exact host over HTTPS.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

if HTTPS and not SECURE_HSTS_PRELOAD:
    # The one deploy check left on purpose: see SECURE_HSTS_PRELOAD above.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("Engelsk"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Each pytest-xdist test process (PYTEST_XDIST_WORKER=gw0, gw1, …) and the workers it starts
# keep their files apart, so a test that checks what is on disk never sees another's files.
MEDIA_ROOT = env.path(
    "MEDIA_ROOT", default=VAR_DIR / "media" / os.environ.get("PYTEST_XDIST_WORKER", "")
)
# Generated PDFs and uploads with personal data: never under a URL, served only through views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=Path(MEDIA_ROOT) / "private")

# --- Cache ----------------------------------------------------------------------------------
# "default" stays in each process's memory. "shared" holds what is costly to compute and the
# same for every web worker (the dashboards' outcome figures, keyed by a fingerprint of their
# data): a per-process copy made each of 4 workers compute every dashboard once more. It is a
# table in the app's own database, so it needs no service beyond the database, works the same
# on the embedded SQLite, and shares the request's transaction; `migrate` creates the table
# (kerne.apps).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "kerne_delt_cache",
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# No Redis (the embedded default): run tasks in-process so one code path serves both.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# Without this, a task whose worker is killed (OOM, deploy) is acknowledged and lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TIME_LIMIT", default=900)
# PDF rendering keeps its memory until the process exits; recycle children past 400 MB.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_MAX_MEMORY_KB", default=400_000)
# How long a task taken by a worker that died (kill -9, a lost host) stays unacknowledged
# before Redis delivers it again. Longer than the hard time limit, or Redis redelivers a task
# that is still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 4),
    # A page that orders work must answer at once when Redis is down, not after minutes of
    # retries: publishing gives up within seconds and the work is queued again by a sweep.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing credential a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kerne.api_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API would be a second, unaudited UI; the docs are at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # One error format: {field: [messages]} for bad input, {"detail": ...} otherwise.
    "EXCEPTION_HANDLER": "kerne.api_errors.exception_handler",
    # No OPTIONS metadata: it would describe fields to anyone and ask views for objects
    # outside their own permission-checked lookups. OPTIONS answers 405.
    "DEFAULT_METADATA_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helhedsindsats API",
    "DESCRIPTION": "Case management for the holistic intervention for vulnerable families.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from our own static files: no CDN, and the CSP allows only 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models name their choices Art, Status or Type; without a name per choice set
    # the schema gets hashed names (Art2a5Enum) that change whenever a choice does, and
    # `check --deploy` warns (drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "familieplan.models.Stafetmoede.Art",
        "ActivityKindEnum": "familieplan.models.Art",
        "PartnerKindEnum": "netvaerk.models.Partner.Art",
        "OfferKindEnum": "netvaerk.models.Tilbud.Art",
        "MemberRoleEnum": "kerne.models.Familiemedlemskab.Rolle",
        "MilestoneStatusEnum": "registrering.models.Milepael.Status",
        "RiskStatusEnum": "registrering.models.Risiko.Status",
        "FamilyStatusEnum": "kerne.models.Familie.Status",
        "AgreementStatusEnum": "familieplan.models.Aftale.Status",
        "QuestionnaireTypeEnum": "registrering.models.Spoergeskema.Type",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="helhedsindsats@localhost")
# SMS copies of notifications: a kerne.notifikationer.SmsBackend (console for development).
SMS_BACKEND = env.str("SMS_BACKEND", default="kerne.notifikationer.ConsoleSmsBackend")
# The one link e-mails carry (the sign-in page); never a link naming a family or a person.
NOTIFIKATION_LINK = env.str("NOTIFIKATION_LINK", default="http://127.0.0.1:8000/")
# PDF rendering (kerne/pdf.py) runs in a child process with these limits (ASVS V12.6.1 and
# denial of service): wall time, memory above what the child inherits, size of the HTML.
PDF_MAX_SECONDS = env.int("PDF_MAX_SECONDS", default=120)
PDF_MAX_MEMORY_MB = env.int("PDF_MAX_MEMORY_MB", default=512)
PDF_MAX_HTML_BYTES = env.int("PDF_MAX_HTML_BYTES", default=5 * 1024 * 1024)
# Largest attachment to a message, in megabytes (kontakt).
KONTAKT_VEDHAEFTNING_MAX_MB = env.int("KONTAKT_VEDHAEFTNING_MAX_MB", default=10)

# --- CPR numbers at rest -------------------------------------------------------------------
# Fernet keys, comma-separated, newest first: the first encrypts, every one decrypts (so a new
# key goes in front, `rotate_cpr_keys` re-encrypts, then the old one is removed). The hash key
# finds numbers and keeps them unique; CPR_HASH_KEY_PREVIOUS is set only while
# `rotate_cpr_keys` moves the hashes to a new CPR_HASH_KEY. Without DEBUG a missing key stops
# the first use of a CPR number (ImproperlyConfigured) and `check --deploy` reports kerne.E010;
# with DEBUG an unset key derives from SECRET_KEY. Step by step: docs/operations.md.
CPR_KEYS = env.list("CPR_KEYS", default=[])
CPR_HASH_KEY = env.str("CPR_HASH_KEY", default="")
CPR_HASH_KEY_PREVIOUS = env.str("CPR_HASH_KEY_PREVIOUS", default="")

# --- Domain settings ------------------------------------------------------------------------
# Danish practice: the log of uses of personal data is kept at least 6 months.
AUDIT_RETENTION_MONTHS = env.int("AUDIT_RETENTION_MONTHS", default=6)
if AUDIT_RETENTION_MONTHS < 6:
    raise ImproperlyConfigured("AUDIT_RETENTION_MONTHS must be at least 6.")
# The evaluator export's pseudonym key (keyed hash of person and family ids), held by the
# municipality. A development default only with DEBUG; in production the export refuses to
# run without it and `check --deploy` reports rapporter.E001. Rotation: docs/rapporter.md.
EVALUATOR_PSEUDONYM_KEY = env.str(
    "EVALUATOR_PSEUDONYM_KEY", default="dev-only-pseudonym-key" if DEBUG else ""
)
