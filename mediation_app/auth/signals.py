"""What the accounts tell the rest of the application, without knowing who listens."""

from blinker import Namespace

_signals = Namespace()

#: sent with (session, user=User, actor=User | None, via=str, now=datetime) whenever a
#: password is set, in the transaction that sets it. `via`: created (a new account), changed
#: (by its owner), reset (by an admin), cli (from the command line); `actor` is None when
#: nobody signed in did it (the command line). Never carries the password or its hash.
password_set = _signals.signal("password-set")
