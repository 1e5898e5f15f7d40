"""Flask's signed-cookie sessions, without the per-request cost for visitors who have none.

Flask builds a new signing serializer on every request once a secret key is set. Most page
views carry no session cookie at all, so this interface hands those an empty session at
once and keeps one serializer per secret key for the rest.
"""

from flask.sessions import SecureCookieSessionInterface


class LazySessionInterface(SecureCookieSessionInterface):
    """Same cookies and signatures as Flask's default; less work per request."""

    def __init__(self):
        self._serializer = (None, None)

    def get_signing_serializer(self, app):
        key, serializer = self._serializer
        if key is not app.secret_key or serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializer = (app.secret_key, serializer)
        return serializer

    def open_session(self, app, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
