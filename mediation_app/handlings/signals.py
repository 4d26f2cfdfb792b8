"""What the handlings package tells the rest of the application, without knowing who
listens (the referral loop reports an ended handling back to the sender)."""

from blinker import Namespace

_signals = Namespace()

#: sent with (session, handling=Handling, now=datetime) when a handling has ended, inside
#: the transaction that ended it.
handling_ended = _signals.signal("handling-ended")
