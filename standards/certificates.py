"""Until when the certificate of a poor or near-poor household is valid (Form 03, Decision 24/2021/QĐ-TTg): the
term is data (``CertificateValidity``), the date it gives is this plain rule."""

from dataclasses import dataclass
from datetime import date

from .models import CertificateTerm, CertificateValidity, PovertyStandard


@dataclass(frozen=True)
class Validity:
    term: CertificateTerm
    until: date | None  # None: until the next annual review's decision, which has no date yet
    confirmed: bool


def certificate_valid_until(term: CertificateTerm, *, review_year: int, last_year: int) -> date | None:
    """The last day of a certificate of a review of ``review_year`` under a standard ending in ``last_year``."""
    if term == CertificateTerm.END_OF_YEAR:
        return date(review_year, 12, 31)
    if term == CertificateTerm.END_OF_NEXT_YEAR:
        return date(review_year + 1, 12, 31)
    if term == CertificateTerm.END_OF_PERIOD:
        return date(last_year, 12, 31)
    return None


def certificate_validity(*, standard: PovertyStandard, review_year: int) -> Validity:
    row = CertificateValidity.objects.filter(period=standard.code).first()
    term = CertificateTerm(row.term) if row else CertificateTerm.NEXT_REVIEW
    until = certificate_valid_until(term, review_year=review_year, last_year=standard.year_to)
    return Validity(term=term, until=until, confirmed=bool(row and row.confirmed))
