"""What the outbox tells the rest of the application, without knowing who listens."""

from blinker import Namespace

_signals = Namespace()

#: sent with (session, message=OutboxMessage, now=datetime) when a message is given up
#: after its last attempt.
delivery_abandoned = _signals.signal("outbox-delivery-abandoned")
