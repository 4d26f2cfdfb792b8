"""Events of the case file that other packages answer without the sender knowing them
(early warnings re-read a case whose details or parties changed)."""

from blinker import Namespace

_signals = Namespace()

#: sent with (app, session=Session, case=Case, now=datetime) after a case was filed (once
#: its filing is committed, in the request's next transaction), or its details or parties
#: changed (inside the request's transaction).
case_details_changed = _signals.signal("case-details-changed")
