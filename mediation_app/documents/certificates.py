"""Institution signing certificates: a demo one made here, or a real PKCS#12 imported.
The PKCS#12 file lives under MEDIATION_STORAGE; its passphrase is stored encrypted with a
key derived from SECRET_KEY (rotating SECRET_KEY means re-importing certificates)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..directory.models import Institution
from ..storage import Storage
from .models import InstitutionCertificate


class CertificateError(ValueError):
    pass


def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret_key.encode()).digest()))


def _fit(text: str, limit: int = 64) -> str:
    """X.509 name attributes hold at most 64 (UTF-8) bytes."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def demo_pkcs12(institution: Institution, passphrase: bytes, *, now: datetime) -> bytes:
    """A self-signed signing certificate in the institution's name, valid five years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(institution.name)),
        x509.NameAttribute(NameOID.COMMON_NAME, _fit(f"演示证书 {institution.name}")),
    ])
    start = now.replace(tzinfo=timezone.utc) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=5 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        institution.code.encode(), key, certificate, None, BestAvailableEncryption(passphrase))


def store_certificate(session: Session, institution: Institution, p12: bytes, passphrase: bytes,
                      *, storage: Storage, secret_key: str, is_demo: bool,
                      now: datetime) -> InstitutionCertificate:
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(p12, passphrase)
    except ValueError as problem:
        raise CertificateError(f"cannot open the PKCS#12 file: {problem}") from None
    if key is None or certificate is None:
        raise CertificateError("the PKCS#12 file holds no private key and certificate")
    storage_key, _digest = storage.put("certs", p12)
    record = session.scalar(select(InstitutionCertificate).where(
        InstitutionCertificate.institution_id == institution.id))
    if record is None:
        record = InstitutionCertificate(institution_id=institution.id)
        session.add(record)
    record.storage_key = storage_key
    record.passphrase = _fernet(secret_key).encrypt(passphrase).decode()
    record.subject = certificate.subject.rfc4514_string()[:255]
    record.not_after = certificate.not_valid_after_utc.replace(tzinfo=None)
    record.is_demo = is_demo
    record.imported_at = now
    session.flush()
    return record


def ensure_certificate(session: Session, institution: Institution, *, storage: Storage,
                       secret_key: str, now: datetime) -> InstitutionCertificate:
    """The institution's certificate; a demo one is made if it has none yet."""
    record = session.scalar(select(InstitutionCertificate).where(
        InstitutionCertificate.institution_id == institution.id))
    if record is not None:
        return record
    passphrase = secrets.token_urlsafe(24).encode()
    return store_certificate(session, institution, demo_pkcs12(institution, passphrase, now=now),
                             passphrase, storage=storage, secret_key=secret_key, is_demo=True,
                             now=now)


def unlock(record: InstitutionCertificate, *, storage: Storage, secret_key: str
           ) -> tuple[bytes, bytes]:
    """The PKCS#12 bytes and their passphrase."""
    passphrase = _fernet(secret_key).decrypt(record.passphrase.encode())
    return storage.read(record.storage_key), passphrase
