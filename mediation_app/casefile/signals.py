"""Events of the case file that other packages answer without the sender knowing them
(early warnings read a case being filed, and re-read one whose details or parties changed)."""

from blinker import Namespace

_signals = Namespace()

#: sent with (app, session=Session, case=Case, now=datetime) when a case's details or parties
#: changed (inside the request's transaction).
case_details_changed = _signals.signal("case-details-changed")

#: sent by the filing service with (None, session=Session, case=Case, now=datetime) while the
#: case is built but not yet numbered nor written: a receiver reads what it needs (before the
#: institution's case-number counter is locked, so that filings do not queue behind the
#: read) and returns None, or what to do once the case is written (a callable of no
#: arguments, run in the filing's transaction).
case_filing = _signals.signal("case-filing")
