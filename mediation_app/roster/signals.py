"""What the roster tells the rest of the application, without knowing who listens."""

from blinker import Namespace

_signals = Namespace()

#: sent with (session, request=RecusalRequest, case=Case, now=datetime) once a recusal
#: request is decided, in the deciding transaction.
recusal_decided = _signals.signal("recusal-decided")
