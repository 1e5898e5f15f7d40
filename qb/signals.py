"""Signals one feature sends and another receives, so that neither imports the other.

`newsletter_requested`: a form other than the newsletter's own (the contact form's "news and
offers" box) was sent with the box ticked. Sent inside the sender's transaction, before its
commit, with the app as sender and keyword arguments `email` (normalised), `name` (or None),
`language` and `consent` (the sender's pending ConsentRecord, already in the session; it stays
the sender's). A receiver adds its own rows and mail to the same session, so that all of it
is committed together or not at all. The sender calls request_delivery() after its commit,
which delivers that mail too.
"""

from blinker import Namespace

_signals = Namespace()

newsletter_requested = _signals.signal("newsletter-requested")
