"""Django settings for xinbao.

Everything that differs between a laptop and a production server comes from the environment
and is parsed by `xinbao.env`, which fails loudly on a bad value instead of guessing.
"""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF

from xinbao import env

# Django's generic classes subscriptable at run time (ModelAdmin[User]), as the types say.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.path("XINBAO_VAR_DIR", BASE_DIR / "var")

DEBUG = env.boolean("XINBAO_DEBUG", False)
SECRET_KEY = env.secret_key("XINBAO_SECRET_KEY", VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.csv("XINBAO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.csv("XINBAO_CSRF_TRUSTED_ORIGINS", [])

# --- Audit log (README, "Audit log") ----------------------------------------------------------
# The chain's HMAC key lives outside the database: XINBAO_AUDIT_KEY, or this file (0600,
# created on first use). Checkpoints and archives go to files outside the database too; point
# them at storage the database's administrators cannot rewrite.
AUDIT_KEY_FILE = env.path("XINBAO_AUDIT_KEY_FILE", VAR_DIR / "audit_key")
AUDIT_HASH_ALGORITHM = env.choice("XINBAO_AUDIT_HASH", "hmac-sha256", ["hmac-sha256", "hmac-sm3"])
AUDIT_CHECKPOINT_FILE = env.path(
    "XINBAO_AUDIT_CHECKPOINTS", VAR_DIR / "audit" / "checkpoints.jsonl"
)
AUDIT_ARCHIVE_DIR = env.path("XINBAO_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit" / "archive")
# The worker verifies the chain and writes a checkpoint when the last one is this old.
AUDIT_CHECKPOINT_HOURS = env.integer("XINBAO_AUDIT_CHECKPOINT_HOURS", 24)

INSTALLED_APPS = [
    "org.admin_apps.XinbaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "xinbao.core",
    "audit",
    "org",
    "roster",
    "bulletins",
    "scoring",
    "submissions",
    "notify",
    "deadlines",
    "emergencies",
    "accountability",
    "duty",
    "archive",
    "insight",
    "federation",
    "api",
    "ninja",
]

MIDDLEWARE = [
    # First, so that every response gets its headers, the HTTPS redirect and static files too.
    "xinbao.core.headers.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Vary: HX-Request on every page, and htmx's redirects (the login's) sent to the window.
    "xinbao.core.headers.FragmentMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xinbao.core.middleware.IdleTimeoutMiddleware",
    "xinbao.core.middleware.LoginRequiredMiddleware",
    "xinbao.core.middleware.SecondFactorMiddleware",
    "org.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xinbao.urls"
WSGI_APPLICATION = "xinbao.wsgi.application"

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
                "xinbao.core.context_processors.navigation",
                "xinbao.core.context_processors.zero_report",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# The embedded default is SQLite in WAL mode with synchronous=FULL: a report the server has
# acknowledged survives a power cut. BEGIN IMMEDIATE takes the write lock up front, so
# concurrent writers queue on busy_timeout instead of failing with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=FULL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-32000;"
    ),
}
DATABASE_URL = env.string("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xinbao.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# The archive's full-text index on SQLite: a tantivy index beside the database (the default),
# kept equal to it by archive.tantivy_index, or FTS5 inside it (PostgreSQL always uses its own
# GIN index). Chosen by the 1,000,000-document benchmark (docs/BENCHMARKS.md): tantivy's index
# is a quarter of FTS5's size and builds in a third of the time. Switching either way takes
# `manage.py reindex` (where no tantivy index directory exists yet, the worker builds one).
SEARCH_INDEX = env.choice("XINBAO_SEARCH_INDEX", "tantivy", ["fts5", "tantivy"])
SEARCH_INDEX_DIR = env.path("XINBAO_SEARCH_INDEX_DIR", VAR_DIR / "search-index")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend plus a fair queue for writers (see xinbao/sqlite_queue).
    DATABASES["default"]["ENGINE"] = "xinbao.sqlite_queue"
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"

# --- Security -------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "org.validators.CharacterClassValidator"},
    {"NAME": "org.validators.PasswordHistoryValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "org.backends.AccountBackend",
]
# Lock-out thresholds are policy: they live in org.SecurityPolicy and are read per attempt.
AXES_FAILURE_LIMIT = "org.security.failure_limit"
AXES_COOLOFF_TIME = "org.security.cooloff_time"
# A user name locks at one address only: someone elsewhere who does not know the password
# cannot lock the auditor or the security administrator out (no denial of service by lock-out).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Each pair's lock lasts its own, growing cool-off, so stale attempts are cleaned per pair.
AXES_HANDLER = "org.security.PairLockHandler"
# Failures while locked are refused without being counted: the lock-out ends on time, and the
# next one (if the guessing goes on) is twice as long.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # lock-outs are the security administrator's page, not the admin's
# The client's address: REMOTE_ADDR, or behind XINBAO_TRUSTED_PROXIES reverse proxies the
# address they put in X-Forwarded-For (see org.security.client_ip).
TRUSTED_PROXIES = env.integer("XINBAO_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "org.security.client_ip"

# Two-step verification (django-otp): TOTP apps, recovery codes; who must use it is policy.
OTP_TOTP_ISSUER = "信报"  # the name the authenticator app shows beside the code

LOGIN_URL = "login"
# The API (api/) answers in JSON: the page middlewares leave this path to its own
# authentication, which refuses what they would redirect (api/auth.py).
API_PATH_PREFIX = "/api/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600  # absolute cap; the idle timeout is policy (SecurityPolicy)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): only the site's own files run or style the page. No
# inline <script>, no on…= handler, no style="…" attribute in any template (tests/test_csp.py
# renders every page to check), so no nonce is needed. ECharts sets element.style from
# JavaScript (CSSOM), which style-src does not govern; its charts are checked in a browser
# (tests/browser/test_csp.py). JSON data blocks (<script type="application/json">, from
# Django's json_script) are data, not script: the browser never runs them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Browser features no page uses, switched off for every origin (xinbao.core.headers).
PERMISSIONS_POLICY: dict[str, tuple[str, ...]] = dict.fromkeys(
    (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ),
    (),
)
if env.boolean("XINBAO_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.boolean("XINBAO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Uploads --------------------------------------------------------------------------------
MEDIA_ROOT = env.path("XINBAO_MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env.integer("XINBAO_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env.boolean("XINBAO_TESTING", False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

# The address external notifications link to, e.g. https://xinbao.example.gov.cn
NOTIFY_BASE_URL = env.string("XINBAO_BASE_URL", "")
DEFAULT_FROM_EMAIL = env.string("XINBAO_FROM_EMAIL", "xinbao@localhost")
EMAIL_BACKEND = env.string("XINBAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("XINBAO_LOG_LEVEL", "WARNING")},
}
