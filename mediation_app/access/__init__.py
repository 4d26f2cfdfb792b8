"""One access policy: who may see, who may change, who sees personal data whole.

Start with policy.py (the rules), rules.py (each condition in Python and SQL), roles.py
(the only module that names roles), masking.py (how personal data is shown) and web.py
(404/403 at the request's edge)."""
