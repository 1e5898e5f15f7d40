"""Static files under content-hashed URLs, so browsers may keep them for a year."""

import hashlib
import os

from flask import request


def init_app(app):
    """Add ?v=<hash> to static URLs; give requests with the current hash long lifetimes."""
    hashes: dict[str, str | None] = {}
    max_age = int(app.config["STATIC_MAX_AGE"])

    def version(filename):
        if app.debug or filename not in hashes:
            try:
                with open(os.path.join(app.static_folder, filename), "rb") as fh:
                    hashes[filename] = hashlib.sha256(fh.read()).hexdigest()[:12]
            except OSError:
                hashes[filename] = None
        return hashes[filename]

    @app.url_defaults
    def add_version(endpoint, values):
        if endpoint == "static" and "v" not in values:
            if v := version(values.get("filename", "")):
                values["v"] = v

    serve_static = app.view_functions["static"]

    def static(filename):
        # Only a file that exists gets here with status 200, so `filename` is a real one.
        response = serve_static(filename=filename)
        if response.status_code == 200:
            v = request.args.get("v")
            if v and v == version(filename):
                response.headers["Cache-Control"] = f"public, max-age={max_age}, immutable"
            else:
                response.headers["Cache-Control"] = "no-cache"
        return response

    app.view_functions["static"] = static
