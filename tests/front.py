"""The production front for tests and benchmarks: Debian's nginx with the site file of deploy/,
rendered for 127.0.0.1, a throwaway certificate authority, and gunicorn behind it.

Everything lives in one folder: the CA and the site's certificate (openssl), the rendered
nginx files, nginx's pid, logs and temporary files, gunicorn's log. Nothing is installed
and no system service is touched.
"""

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 20
sys.path.insert(0, str(ROOT / "deploy"))
import render  # noqa: E402  (deploy/render.py, standard library only)


class FrontError(RuntimeError):
    """The front could not be set up."""


def nginx_binary():
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not found:
        raise FrontError(
            "nginx not found: run tools/install-system-deps.sh (apt-get install nginx)"
        )
    return found


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_authority(folder):
    """A throwaway CA and a certificate it signed for 127.0.0.1 and localhost (EC P-256).

    Returns (CA certificate, site certificate, site key) paths.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=qb throwaway test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        cwd=folder,
    )
    _openssl(
        "req",
        "-new",
        *ec,
        "-keyout",
        "site.key",
        "-out",
        "site.csr",
        "-subj",
        "/CN=127.0.0.1",
        cwd=folder,
    )
    (folder / "site.ext").write_text(
        "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        "site.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "site.pem",
        "-days",
        "2",
        "-extfile",
        "site.ext",
        cwd=folder,
    )
    return folder / "ca.pem", folder / "site.pem", folder / "site.key"


def main_config(folder, site_file, workers=1):
    """nginx.conf around the rendered site: everything nginx writes stays inside `folder`."""
    temp = {name: folder / "tmp" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    # As root nginx would hand its workers to `nobody`, who cannot read a test's folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes {workers};\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log warn;\ndaemon off;\n"
        "events { worker_connections 4096; }\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n    keepalive_requests 10000;\n"
        f"    client_body_temp_path {temp['body']};\n    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n    include {site_file};\n}}\n"
    )


def site_settings(folder, https_url):
    """A production site as deploy/qb.env.example sets it, with throwaway data and names."""
    return {
        "SECRET_KEY": "f" * 64,
        "OPERATOR_NAME": "Qauipsiz Bolashaq LLP",
        "OPERATOR_BIN": "123456789012",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'site.sqlite3'}",
        "TRUSTED_HOSTS": ["127.0.0.1"],
        "SITE_URL": https_url,
        "PROXY_COUNT": 1,
        "OUTBOX_BACKGROUND": False,
        "OUTBOX_EML_DIR": str(folder / "mail"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_SINGLE_PROCESS": True,
    }


def environment(settings, gunicorn=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QB_")}
    env["QB_CONFIG_FILE"] = ""  # the settings below only, not a local instance/config.py
    env.update({f"QB_{k}": json.dumps(v) for k, v in settings.items()})
    env.update({f"QB_GUNICORN_{k}": str(v) for k, v in (gunicorn or {}).items()})
    return env


def flask(env, *args, timeout=300):
    command = [sys.executable, "-m", "flask", "--app", "qb", *args]
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise FrontError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


class Process:
    """A child in its own process group with its output in a file; stop() ends the group."""

    def __init__(self, name, command, folder, env=None, cwd=ROOT):
        self.name = name
        self.log_path = Path(folder) / f"{name}.log"
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
                self.proc.wait(timeout=STOP_TIMEOUT_S)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=STOP_TIMEOUT_S)
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything left in the group
        except (ProcessLookupError, PermissionError):
            pass


def wait_for(check, what, timeout=START_TIMEOUT_S, process=None):
    """Poll `check()` until it is true; FrontError with the process's log otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except OSError:
            pass
        if process is not None and not process.alive():
            raise FrontError(f"{what}: {process.name} exited:\n{process.log()[-3000:]}")
        if time.monotonic() > deadline:
            log = process.log()[-3000:] if process else ""
            raise FrontError(f"{what} within {timeout} s failed\n{log}")
        time.sleep(0.05)


def answers(host, port, path="/robots.txt", context=None):
    import http.client

    cls = http.client.HTTPSConnection if context else http.client.HTTPConnection
    kwargs = {"context": context} if context else {}
    conn = cls(host, port, timeout=5, **kwargs)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        return conn.getresponse().status < 500
    finally:
        conn.close()


class Front:
    """nginx (deploy/ rendered for 127.0.0.1) in front of one or more site upstreams."""

    def __init__(self, folder, *, http_port, https_port, upstream, nginx_workers=1):
        self.folder = Path(folder)
        self.http_port, self.https_port = http_port, https_port
        self.url = "https://127.0.0.1" + ("" if https_port == 443 else f":{https_port}")
        self.ca, self.certificate, self.key = make_authority(self.folder / "tls")
        self.site_dir = self.folder / "nginx-site"
        self.acme_root = self.folder / "acme"
        (self.acme_root / ".well-known" / "acme-challenge").mkdir(parents=True)
        self.render_output = self._render(upstream)
        self.config = self.folder / "nginx.conf"
        self.config.write_text(main_config(self.folder, self.site_dir / "qb.conf", nginx_workers))
        self.nginx = None

    def _render(self, upstream):
        args = [
            "--server-name",
            "127.0.0.1",
            "--out",
            str(self.site_dir),
            "--certificate",
            str(self.certificate),
            "--key",
            str(self.key),
            *[arg for one in upstream.split() for arg in ("--upstream", one)],
            "--http-port",
            str(self.http_port),
            "--https-port",
            str(self.https_port),
            "--listen-address",
            "127.0.0.1",
            "--no-ipv6",
            "--acme-root",
            str(self.acme_root),
        ]
        render.main(args)
        return args

    def check_config(self):
        """`nginx -t` on the rendered configuration: (exit status, output)."""
        done = subprocess.run(
            [nginx_binary(), "-t", "-c", str(self.config), "-p", str(self.folder)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    def client_context(self):
        return ssl.create_default_context(cafile=str(self.ca))

    def start(self):
        command = [nginx_binary(), "-c", str(self.config), "-p", str(self.folder)]
        self.nginx = Process("nginx", command, self.folder)
        context = self.client_context()
        wait_for(
            lambda: answers("127.0.0.1", self.https_port, context=context),
            "nginx answering over TLS",
            process=self.nginx,
        )
        return self

    def stop(self):
        if self.nginx is not None:
            self.nginx.stop(signal.SIGQUIT)


class Site:
    """gunicorn -c gunicorn.conf.py wsgi:app (or another server command) on 127.0.0.1:port."""

    def __init__(self, folder, port, env, name="gunicorn", command=None):
        self.port = port
        env = dict(env, QB_GUNICORN_BIND=f"127.0.0.1:{port}")
        command = command or [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "wsgi:app",
        ]
        self.process = Process(name, command, folder, env=env)

    def wait(self):
        wait_for(
            lambda: answers("127.0.0.1", self.port),
            f"{self.process.name} answering",
            process=self.process,
        )
        return self

    def stop(self):
        self.process.stop()
