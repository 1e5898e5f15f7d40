"""Spacing bulk mail out to a rate the mail provider accepts (OUTBOX_BULK_PER_SECOND)."""

import time

# How often a paced sender looks whether it was told to stop while it waits.
STOP_CHECK_SECONDS = 0.2


class Pace:
    """Lets one message through every 1/per_second seconds; 0 or less lets all through."""

    def __init__(self, per_second):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self, stop=None):
        """Wait for the next slot; False if `stop()` became true meanwhile."""
        if not self.interval:
            return True
        while (delay := self.next_at - time.monotonic()) > 0:
            if stop and stop():
                return False
            time.sleep(min(delay, STOP_CHECK_SECONDS))
        # After an idle spell the pace starts afresh rather than sending a burst to catch up.
        self.next_at = max(self.next_at, time.monotonic() - self.interval) + self.interval
        return True
