"""Metadata and dependencies live in setup.cfg; this file only adds the build step that makes
an installed package complete: the compiled translations (.mo, never kept in git) and the
top-level folders the app reads (templates/, workflows/, reports/, migrations/), copied into
mediation_app/_bundled/ so that an installed app finds them without the checkout."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED_FOLDERS = ("templates", "workflows", "reports", "migrations")
TRANSLATIONS = Path("mediation_app") / "translations"


def compile_translations(source: Path, target: Path) -> None:
    """Every messages.po under `source` compiled to messages.mo at the same place in `target`
    (fuzzy entries included, as `pybabel compile --use-fuzzy` does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in source.glob("*/LC_MESSAGES/*.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)


class BuildPy(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # pip install -e: compile in the checkout
            compile_translations(HERE / TRANSLATIONS, HERE / TRANSLATIONS)
            return
        package = Path(self.build_lib) / "mediation_app"
        compile_translations(HERE / TRANSLATIONS, Path(self.build_lib) / TRANSLATIONS)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in BUNDLED_FOLDERS:
            shutil.copytree(HERE / name, package / "_bundled" / name, ignore=ignore,
                            dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPy})
