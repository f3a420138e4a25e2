"""Domain events. Features emit them; calendar invites and Google sync listen.

Receivers run inside the caller's transaction: they may add rows and queue mail (which is
sent after commit), and must not commit.
"""

from blinker import Namespace

_signals = Namespace()

member_added = _signals.signal("member-added")  # kwargs: membership
member_removed = _signals.signal("member-removed")  # kwargs: membership (before deletion)
session_changed = _signals.signal("session-changed")  # kwargs: session, change
booking_changed = _signals.signal("booking-changed")  # kwargs: booking, change
recording_ready = _signals.signal("recording-ready")  # kwargs: recording
