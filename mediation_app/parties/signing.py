"""Remote signing: a one-time link per party; identity proven by a code sent to the phone
on file and the last six characters of the ID number; then the party signs on their own
phone through the same signing service as on the mediator's screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..access import policy
from ..agreements.models import Agreement
from ..agreements.services import AgreementError, Signer, missing_signatures, sign_agreement
from ..audit.services import record_event
from ..auth.models import User
from ..casefile.models import Case, Party
from ..domain.idcard import mask_phone
from . import texts
from .models import PartyGrant, SigningLink
from .otp import digest, new_token, normalise_phone, same
from .verification import (
    VerificationRefused,
    Verifier,
    check_code,
    is_locked,
    open_grant,
    refuse,
    send_code,
)

LINK_LIFETIME = timedelta(days=7)


@dataclass
class LinksSent:
    sent: list[Party]
    skipped: list[Party]  # no mobile phone or no ID number on file: sign in person


def _token_hash(verifier: Verifier, token: str) -> str:
    return digest(verifier.secret, "signing-link", token)


def can_sign_remotely(party: Party) -> bool:
    return bool(party.phone and party.id_number and len(normalise_phone(party.phone)) == 11)


def send_signing_links(session: Session, verifier: Verifier, agreement: Agreement, *,
                       actor: User, now: datetime, link_url) -> LinksSent:
    """One new link per party still to sign (earlier links stop working), sent by text.
    `link_url(token)` makes the public address of a link."""
    case = session.get(Case, agreement.case_id)
    if agreement.status != "draft" or not policy.may_send_signing_links(actor, case):
        raise AgreementError("not_editable")
    parties_left, _mediator_left = missing_signatures(agreement, case)
    result = LinksSent(sent=[], skipped=[])
    for party in parties_left:
        if not can_sign_remotely(party):
            result.skipped.append(party)
            continue
        _send_link(session, verifier, agreement, case, party, actor=actor, now=now,
                   link_url=link_url)
        result.sent.append(party)
    record_event(session, case, "agreement.links_sent", actor=actor, now=now,
                 agreement=agreement.id, parties=[p.name for p in result.sent],
                 phones=[mask_phone(p.phone) for p in result.sent])
    return result


def _send_link(session: Session, verifier: Verifier, agreement: Agreement, case: Case,
               party: Party, *, actor: User, now: datetime, link_url) -> None:
    session.execute(update(SigningLink).where(
        SigningLink.agreement_id == agreement.id, SigningLink.party_id == party.id,
        SigningLink.used_at.is_(None), SigningLink.revoked_at.is_(None)).values(revoked_at=now))
    token = new_token()
    link = SigningLink(token_hash=_token_hash(verifier, token), agreement_id=agreement.id,
                       party_id=party.id, created_by_id=actor.id, created_at=now,
                       expires_at=now + LINK_LIFETIME)
    session.add(link)
    session.flush()
    texts.send_text(session, phone=party.phone,
                    body=texts.signing_text(case.case_no, link_url(token), LINK_LIFETIME.days),
                    key=f"signing-link:{link.id}", kind="agreement.signing_link", now=now,
                    case_id=case.id, institution_id=case.holder_institution_id)


def link_of_token(session: Session, verifier: Verifier, token: str) -> SigningLink | None:
    """The link the token opens, whatever became of it since."""
    return session.scalar(select(SigningLink).where(
        SigningLink.token_hash == _token_hash(verifier, token)))


def find_link(session: Session, verifier: Verifier, token: str, *,
              now: datetime) -> SigningLink | None:
    """A link that still works: not used, not replaced, not expired, agreement still a draft."""
    link = link_of_token(session, verifier, token)
    if link is None or link.used_at or link.revoked_at or link.expires_at <= now:
        return None
    if session.get(Agreement, link.agreement_id).status != "draft":
        return None
    return link


def _lock_keys(verifier: Verifier, link: SigningLink, ip_address: str) -> list[str]:
    return [verifier.lock_key("link", str(link.id)), verifier.lock_key("ip", ip_address)]


def request_sign_code(session: Session, verifier: Verifier, link: SigningLink, *,
                      ip_address: str, now: datetime) -> str:
    """Send a code to the phone on file; returns that phone masked, to show on the page."""
    party = session.get(Party, link.party_id)
    phone = normalise_phone(party.phone)
    send_code(session, verifier, phone=phone, purpose="sign", target=f"link:{link.id}",
              ip_address=ip_address, now=now, case_id=party.case_id)
    return mask_phone(phone)


def confirm_signer(session: Session, verifier: Verifier, link: SigningLink, *, code: str,
                   id_tail: str, ip_address: str, now: datetime) -> str:
    """The last six characters of the ID number and the code; returns a grant token."""
    party = session.get(Party, link.party_id)
    lock_keys = _lock_keys(verifier, link, ip_address)
    if is_locked(session, verifier, lock_keys, now=now):
        raise VerificationRefused("locked")
    if not same(party.id_number[-6:].upper(), id_tail.strip().upper()):
        refuse(session, lock_keys, now=now)
    check_code(session, verifier, phone=normalise_phone(party.phone), purpose="sign",
               target=f"link:{link.id}", code=code, lock_keys=lock_keys, now=now)
    return open_grant(session, verifier, now=now, case_id=party.case_id, party_id=party.id,
                      signing_link_id=link.id)


def sign_by_link(session: Session, link: SigningLink, grant: PartyGrant, *, image_png: bytes,
                 ip_address: str, user_agent: str, now: datetime, on_complete=None):
    """The party signs; the link is spent. The signature goes through the agreement's own
    service on behalf of the staff member who sent the link, so the same rules hold (the
    institution still holds the case, the agreement is a draft, one signature per party)."""
    if grant.signing_link_id != link.id:
        raise AgreementError("not_a_party")
    spent = session.execute(update(SigningLink).where(
        SigningLink.id == link.id, SigningLink.used_at.is_(None)).values(used_at=now))
    if spent.rowcount != 1:
        raise AgreementError("already_signed")
    agreement = session.get(Agreement, link.agreement_id)
    party = session.get(Party, link.party_id)
    return sign_agreement(session, agreement, Signer(party=party), image_png=image_png,
                          ip_address=ip_address, user_agent=user_agent,
                          actor=session.get(User, link.created_by_id), now=now,
                          on_complete=on_complete, remote=True)
