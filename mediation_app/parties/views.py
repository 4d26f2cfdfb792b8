"""Public pages for parties: apply online, follow the case, sign remotely, rate. The routes
live in one module per concern, all on the parties blueprint."""

from . import apply_views, follow_views, sign_views  # noqa: F401  (their routes are on bp)
from .blueprint import bp

__all__ = ["bp"]
