"""Static files under content-hashed URLs, so browsers may keep them for a year."""

import hashlib

from flask import request


def init_app(app):
    """Add ?v=<hash> to static URLs and give matching requests long cache lifetimes."""
    hashes: dict[str, str | None] = {}
    static_root = app.static_folder
    max_age = int(app.config["STATIC_MAX_AGE"])

    def version(filename):
        if app.debug or filename not in hashes:
            try:
                with open(f"{static_root}/{filename}", "rb") as fh:
                    hashes[filename] = hashlib.sha256(fh.read()).hexdigest()[:12]
            except OSError:
                hashes[filename] = None
        return hashes[filename]

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            v = version(values.get("filename", ""))
            if v:
                values["v"] = v

    @app.after_request
    def static_cache_headers(response):
        if request.endpoint == "static" and response.status_code == 200:
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args.get("v") == version(filename):
                response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        return response
