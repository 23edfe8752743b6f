"""The ratings' rules: who may rate whom, what a burst holds, one rating per person."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from contracts.ratings.events import ProviderRated, RatingRevised
from contracts.ratings.messages import RateProvider
from ratings import domain, screening

NOW = datetime(2026, 12, 1, tzinfo=UTC)
DOCTOR = domain.Target(uuid4(), "doctor", domain.LISTED, user_id=uuid4())


def known(**fields: object) -> domain.Rater:
    return domain.Rater(uuid4(), known=True, registered_at=NOW - timedelta(days=30),
                        **fields)  # type: ignore[arg-type]


def test_doctors_do_not_rate_doctors_nor_themselves() -> None:
    with pytest.raises(domain.RefusedError, match="other doctors"):
        domain.check_may_rate(DOCTOR, known(verified=True, profession="doctor"), NOW)
    himself = domain.Rater(DOCTOR.user_id, known=True)  # type: ignore[arg-type]
    with pytest.raises(domain.RefusedError, match="yourself"):
        domain.check_may_rate(DOCTOR, himself, NOW)
    domain.check_may_rate(DOCTOR, known(verified=True, profession="pharmacist"), NOW)


def test_a_burst_holds_and_new_accounts_are_held_sooner() -> None:
    rule = domain.BurstRule(per_hour=10, young_per_hour=2)
    young = domain.Rater(uuid4(), known=True, registered_at=NOW - timedelta(days=2))
    assert domain.burst_holds(rule, known(), domain.Recent(9, 9), NOW) == []
    assert domain.burst_holds(rule, known(), domain.Recent(10, 0), NOW) == [domain.BURST]
    assert domain.burst_holds(rule, young, domain.Recent(2, 2), NOW) == [domain.NEW_ACCOUNT]
    assert domain.burst_holds(rule, young, domain.Recent(2, 1), NOW) == []


def test_a_second_rating_is_a_revision_of_the_one_rating() -> None:
    rater = known()
    command = RateProvider(provider_id=DOCTOR.provider_id, stars=4)
    first = domain.rate(domain.Rating(), DOCTOR, rater, command, NOW)
    assert isinstance(first, ProviderRated) and not isinstance(first, RatingRevised)
    again = domain.rate(domain.evolve_rating(domain.Rating(), first), DOCTOR, rater, command,
                        NOW)
    assert isinstance(again, RatingRevised) and again.rating_id == first.rating_id


def test_reviews_with_contact_details_or_held_words_wait_for_a_moderator() -> None:
    assert screening.holds("mail me at a.b@example.in") == [screening.CONTACT_DETAILS]
    assert screening.holds("+91 98765-43210 whatsapp me") == [screening.CONTACT_DETAILS,
                                                               screening.KEYWORD]
    assert screening.holds("Kind and patient, explained everything") == []
    assert screening.holds(None) == []
