"""PAdES signatures with pyHanko: sign with a PKCS#12 bundle, and validate."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext


@lru_cache(maxsize=64)
def _signer(p12: bytes, passphrase: bytes) -> signers.SimpleSigner:
    """Opening a PKCS#12 and parsing its key is most of the cost of signing: once per
    certificate and process."""
    return signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=passphrase)


def sign_pdf(pdf: bytes, p12: bytes, passphrase: bytes, *, reason: str, location: str) -> bytes:
    """pyHanko signs through asyncio.run, which refuses to run inside a running event loop
    (a caller driven by one, e.g. a browser test's set-up): there it signs in a worker
    thread; the work is bytes in, bytes out."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _sign(pdf, p12, passphrase, reason=reason, location=location)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_sign, pdf, p12, passphrase, reason=reason,
                             location=location).result()


def _sign(pdf: bytes, p12: bytes, passphrase: bytes, *, reason: str, location: str) -> bytes:
    signer = _signer(p12, passphrase)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="InstitutionSignature", reason=reason, location=location,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    present: bool
    intact: bool
    trusted: bool
    signer: str

    @property
    def unaltered(self) -> bool:
        return self.present and self.intact


def check_signature(pdf: bytes, trust_p12: tuple[bytes, bytes] | None = None) -> SignatureCheck:
    """Is the file signed, unaltered since signing, and (given the certificate) by whom."""
    try:
        reader = PdfFileReader(BytesIO(pdf))
        embedded = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a damaged file is simply "not intact"
        return SignatureCheck(False, False, False, "")
    if not embedded:
        return SignatureCheck(False, False, False, "")
    context = ValidationContext(trust_roots=[_certificate(*trust_p12)] if trust_p12 else [],
                                allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded[-1], context)
    except Exception:  # noqa: BLE001
        return SignatureCheck(True, False, False, "")
    covers_all = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return SignatureCheck(True, status.intact and status.valid and covers_all, status.trusted,
                          status.signing_cert.subject.human_friendly)


def _certificate(p12: bytes, passphrase: bytes) -> asn1_x509.Certificate:
    _key, certificate, _chain = pkcs12.load_key_and_certificates(p12, passphrase)
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))
