"""Where the folders next to the code are: templates/, workflows/, reports/, migrations/.

In a checkout (or an editable install) they sit beside the package; an installed wheel
carries them inside it, in mediation_app/_bundled/ (setup.py copies them at build time)."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BUNDLED = PACKAGE / "_bundled"
ROOT = BUNDLED if (BUNDLED / "templates").is_dir() else PACKAGE.parent
