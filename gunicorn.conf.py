"""Production gunicorn settings: gunicorn -c gunicorn.conf.py wsgi:app; QB_GUNICORN_* override."""

import os


def _env(name, default):
    return os.environ.get(f"QB_GUNICORN_{name}", default)


# Loopback by default: the site is meant to sit behind a TLS-terminating reverse proxy.
bind = _env("BIND", "127.0.0.1:8000").split(",")

# gthread: threads keep client connections alive (sync workers answer "Connection: close"),
# and served 25-40 % more requests/s than sync workers on our 2-core loopback baseline.
worker_class = "gthread"
# One process per core for CPU work; a few threads each to overlap I/O and slow clients.
workers = int(_env("WORKERS", "2"))
threads = int(_env("THREADS", "4"))

# Short keep-alive: enough for a browser fetching a page's CSS and images, without holding
# idle threads for long.
keepalive = int(_env("KEEPALIVE", "5"))
# No page should take anywhere near this long; a stuck worker is killed and replaced.
timeout = int(_env("TIMEOUT", "30"))
graceful_timeout = int(_env("GRACEFUL_TIMEOUT", "20"))

# The heartbeat file is touched constantly; on a RAM disk that never blocks on disk I/O.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Only the local proxy may tell us the original scheme (X-Forwarded-Proto), so that
# request.is_secure (HSTS, secure cookies) cannot be faked by a client.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access logs would hold visitors' IP addresses, paths with query strings and user agents,
# that is personal data: off. QB_GUNICORN_ACCESS_LOG=- (or a file) turns on a log with
# time, method, path without query, status, size and duration only.
accesslog = _env("ACCESS_LOG", None) or None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# Errors and startup messages go to stderr, for the service manager to collect. The site's
# own lines (the `qb` logger: enquiries stored, mail sent, security events, at the site's
# LOG_LEVEL, INFO by default, as text or JSON by LOG_FORMAT) are written to the same stderr
# by the app itself (qb/logs.py), so they join this log; no logconfig here, since a handler
# on the root logger would print each of them twice. They carry ids, never personal data.
errorlog = "-"
# gunicorn's own messages (workers started, stopped, timed out); the site's are set apart.
loglevel = _env("LOG_LEVEL", "info")

# gunicorn >= 25 opens a control socket at one fixed path per user, so two instances on
# one machine (site and benchmark, or two sites) would collide; we do not use gunicornc.
control_socket_disable = not _env("CONTROL_SOCKET", "")
if not control_socket_disable:
    control_socket = _env("CONTROL_SOCKET", "")

proc_name = "qb"
