"""The wheel built from the checkout is complete: an installed app finds its templates,
workflows, document templates, migrations and static files inside the package, the Chinese
translations compiled, and the `mediation` command."""

import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

CHECKOUT = Path(__file__).resolve().parent.parent

# one worker builds the wheel (it builds in the checkout) for all of them
pytestmark = [pytest.mark.packaging, pytest.mark.xdist_group("wheel")]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", str(CHECKOUT), "-w", str(out)],
                   check=True, capture_output=True, cwd=out)
    [built] = out.glob("mediation_app-*.whl")
    return zipfile.ZipFile(built)


def _tracked(folder: str) -> set[str]:
    listed = subprocess.run(["git", "ls-files", folder], cwd=CHECKOUT, capture_output=True,
                            text=True, check=True).stdout.split()
    return {name for name in listed if "__pycache__" not in name and (CHECKOUT / name).is_file()}


@pytest.mark.parametrize("folder", ["templates", "workflows", "reports", "migrations"])
def test_the_wheel_carries_every_file_of_the_top_level_folders(wheel, folder):
    bundled = {name.removeprefix("mediation_app/_bundled/") for name in wheel.namelist()}
    assert _tracked(folder) <= bundled


def test_the_wheel_carries_the_static_files(wheel):
    assert {f"mediation_app/{name.removeprefix('mediation_app/')}"
            for name in _tracked("mediation_app/static")} <= set(wheel.namelist())
    assert "mediation_app/ledger/static/ledger.js" in wheel.namelist()


def test_the_wheel_carries_the_chinese_translations_compiled(wheel):
    mo = wheel.read("mediation_app/translations/zh_Hans_CN/LC_MESSAGES/messages.mo")
    catalog = read_mo(BytesIO(mo))
    assert catalog.get("Sign in").string == "登录"


def test_the_wheel_offers_the_mediation_command(wheel):
    [entry_points] = [name for name in wheel.namelist() if name.endswith("entry_points.txt")]
    assert "mediation = mediation_app.serve:main" in wheel.read(entry_points).decode()
