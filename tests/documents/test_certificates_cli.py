from datetime import datetime

from sqlalchemy import select

from mediation_app.documents.certificates import demo_pkcs12
from mediation_app.documents.models import InstitutionCertificate


def test_a_demo_certificate_is_made_for_an_institution(app, make, session):
    institution = make.institution(name="浦楼街道人民调解委员会")
    make.commit()
    result = app.test_cli_runner().invoke(args=["certificates", "demo", "--institution",
                                                institution.code])
    assert result.exit_code == 0, result.output
    record = session.scalar(select(InstitutionCertificate))
    assert record.is_demo and "浦楼" in record.subject


def test_a_real_pkcs12_is_imported(app, make, session, tmp_path):
    institution = make.institution()
    make.commit()
    bundle = tmp_path / "real.p12"
    bundle.write_bytes(demo_pkcs12(institution, b"s3cret", now=datetime(2026, 1, 1)))
    result = app.test_cli_runner().invoke(args=[
        "certificates", "import", "--institution", institution.code, str(bundle),
        "--passphrase", "s3cret"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(InstitutionCertificate)).is_demo is False


def test_a_wrong_passphrase_is_refused_clearly(app, make, tmp_path):
    institution = make.institution()
    make.commit()
    bundle = tmp_path / "real.p12"
    bundle.write_bytes(demo_pkcs12(institution, b"s3cret", now=datetime(2026, 1, 1)))
    result = app.test_cli_runner().invoke(args=[
        "certificates", "import", "--institution", institution.code, str(bundle),
        "--passphrase", "wrong"])
    assert result.exit_code == 1 and "cannot open" in result.output
    assert "Traceback" not in result.output
