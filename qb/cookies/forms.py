"""The choice form of the banner and the cookie page: its shape, and where it came from."""

from dataclasses import dataclass

from flask import request

from .choice import is_same_origin, safe_next

SETTINGS = "settings"  # the banner's Settings button without JavaScript


@dataclass(frozen=True)
class ChoiceForm:
    """A posted choice: which button, the boxes ticked, the page to go back to."""

    action: str | None
    fields: object  # the form's MultiDict, for the vendor boxes
    next_path: str | None
    same_origin: bool

    @classmethod
    def from_request(cls):
        """The form of this request; no session or token: the browser proves the origin."""
        headers = request.headers
        origin = request.host_url.rstrip("/")
        return cls(
            action=request.form.get("choice"),
            fields=request.form,
            next_path=request.form.get("next"),
            same_origin=is_same_origin(
                headers.get("Sec-Fetch-Site"), headers.get("Origin"), {origin}
            ),
        )

    @property
    def wants_settings(self):
        return self.action == SETTINGS

    def target(self, fallback):
        """Where to go back to: the page the form was on, or `fallback`."""
        return safe_next(self.next_path, fallback)
