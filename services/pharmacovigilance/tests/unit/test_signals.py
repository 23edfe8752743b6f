"""Signals: which pairs a case counts, the 2x2 tables, and the measures against hand arithmetic."""

import json
import math
from dataclasses import asdict

import pytest

from pharmacovigilance.domain.signals import (
    CountError,
    Counts,
    as_reply,
    disproportionality,
    evans_criteria,
    pair_keys,
    signals,
    yates_chi2,
)

API_SIGNAL_KEYS = {"medicine", "reaction", "a", "b", "c", "d", "prr", "prr_ci", "ror", "ror_ci",
                   "chi2", "ic", "ic025", "evans"}


def close(x: float | None, y: float) -> bool:
    return x is not None and math.isclose(x, y, rel_tol=1e-9)


def close_pair(xs: tuple[float, float], ys: tuple[float, float]) -> bool:
    return close(xs[0], ys[0]) and close(xs[1], ys[1])


# --- the measures of one table, a=3 b=7 c=5 d=985, N=1000 ---------------------------------

def test_prr_and_its_interval_by_hand() -> None:
    s = disproportionality(3, 7, 5, 985)
    assert close(s.prr, 59.4)  # (3/10) / (5/990) = 0.3 * 198 = 59.4
    se = math.sqrt(1 / 3 - 1 / 10 + 1 / 5 - 1 / 990)
    assert close_pair(s.prr_ci, (59.4 * math.exp(-1.96 * se), 59.4 * math.exp(1.96 * se)))
    assert not s.corrected


def test_ror_and_its_interval_by_hand() -> None:
    s = disproportionality(3, 7, 5, 985)
    assert close(s.ror, 2955 / 35)  # 3*985 / (7*5) = 84.428571...
    se = math.sqrt(1 / 3 + 1 / 7 + 1 / 5 + 1 / 985)
    assert close_pair(s.ror_ci, (2955 / 35 * math.exp(-1.96 * se), 2955 / 35 * math.exp(1.96 * se)))


def test_yates_chi2_by_hand() -> None:
    # ad - bc = 2955 - 35 = 2920; minus N/2 = 2420; N * 2420^2 = 5_856_400_000
    # margins (a+b)(c+d)(a+c)(b+d) = 10 * 990 * 8 * 992 = 78_566_400
    assert close(disproportionality(3, 7, 5, 985).chi2, 5_856_400_000 / 78_566_400)  # 74.54...


def test_ic_and_ic025_by_hand() -> None:
    s = disproportionality(3, 7, 5, 985)
    ic = math.log2(3.5 / 0.58)  # E = 10 * 8 / 1000 = 0.08; (3 + .5) / (0.08 + .5)
    assert close(s.ic, ic)
    assert close(s.ic025, ic - 3.3 / math.sqrt(3.5) - 2 / 3.5**1.5)


def test_this_table_meets_evans() -> None:
    assert disproportionality(3, 7, 5, 985).evans


# --- zero cells ------------------------------------------------------------------------------

def test_a_zero_cell_corrects_prr_and_ror_with_half_on_every_cell() -> None:
    s = disproportionality(4, 0, 2, 94)  # b = 0: raw ROR would divide by zero
    assert s.corrected
    assert close(s.prr, (4.5 / 5) / (2.5 / 97))  # cells 4.5, 0.5, 2.5, 94.5
    prr_se = math.sqrt(1 / 4.5 - 1 / 5 + 1 / 2.5 - 1 / 97)
    assert close_pair(s.prr_ci, (s.prr * math.exp(-1.96 * prr_se), s.prr * math.exp(1.96 * prr_se)))
    assert close(s.ror, 340.2)  # 4.5 * 94.5 / (0.5 * 2.5) = 425.25 / 1.25
    ror_se = math.sqrt(1 / 4.5 + 1 / 0.5 + 1 / 2.5 + 1 / 94.5)
    assert close_pair(s.ror_ci, (340.2 * math.exp(-1.96 * ror_se), 340.2 * math.exp(1.96 * ror_se)))


def test_chi2_and_ic_use_the_raw_counts_even_when_corrected() -> None:
    s = disproportionality(4, 0, 2, 94)
    # ad - bc = 376; minus N/2 = 326; 100 * 326^2 / (4 * 96 * 6 * 94)
    assert close(s.chi2, 100 * 326**2 / (4 * 96 * 6 * 94))
    assert close(s.ic, math.log2(4.5 / 0.74))  # E = 4 * 6 / 100 = 0.24
    assert s.evans


def test_a_zero_margin_gives_no_chi2_and_no_evans() -> None:
    s = disproportionality(3, 7, 0, 0)  # no other medicine at all: c + d = 0
    assert s.chi2 is None and not s.evans and s.corrected
    assert close(s.prr, (3.5 / 11) / (0.5 / 1))


def test_an_empty_table_does_not_crash() -> None:
    s = disproportionality(0, 0, 0, 0)
    assert (s.prr, s.ror, s.chi2, s.ic) == (1.0, 1.0, None, 0.0)


def test_yates_correction_never_exceeds_the_difference() -> None:
    assert yates_chi2(3, 97, 300, 9700) == 0.0  # ad = bc: independence, not a small chi2


def test_negative_cells_are_refused() -> None:
    with pytest.raises(CountError):
        disproportionality(3, -1, 5, 985)


# --- Evans: each threshold from both sides ---------------------------------------------------

@pytest.mark.parametrize(("prr", "chi2", "a", "expected"), [
    (2.0, 4.0, 3, True),
    (1.999, 4.0, 3, False),
    (2.0, 3.999, 3, False),
    (2.0, 4.0, 2, False),
    (2.0, None, 3, False),
])
def test_evans_criteria(prr: float, chi2: float | None, a: int, expected: bool) -> None:
    assert evans_criteria(prr, chi2, a) is expected


def test_evans_fails_on_prr_alone() -> None:
    s = disproportionality(3, 3, 25, 75)  # PRR = 0.5 / 0.25 = 2 exactly; chi2 < 4
    assert s.prr == 2.0 and s.chi2 is not None and s.chi2 < 4 and not s.evans


def test_evans_fails_with_two_cases_however_strong() -> None:
    s = disproportionality(2, 1, 1, 996)
    assert s.prr >= 2 and s.chi2 is not None and s.chi2 >= 4 and not s.evans


# --- counting ------------------------------------------------------------------------------

def test_the_same_medicine_twice_and_two_reactions_count_each_pair_once() -> None:
    medicines = [("Amoxicillin", "suspect"), ("  AMOXICILLIN ", "suspect")]
    reactions = [("Rash", None), ("nausea", None), (" rash", None)]
    assert pair_keys(medicines, reactions) == {("amoxicillin", "rash"), ("amoxicillin", "nausea")}


def test_concomitant_medicines_are_not_counted_and_interacting_ones_are() -> None:
    medicines = [("Amoxicillin", "suspect"), ("Paracetamol", "concomitant"),
                 ("Warfarin", "interacting")]
    assert pair_keys(medicines, [("rash", None)]) == {("amoxicillin", "rash"), ("warfarin", "rash")}


def test_the_meddra_term_wins_over_the_description() -> None:
    reactions = [("itchy skin", "Pruritus"), ("खुजली", " pruritus "), ("sore head", None)]
    assert pair_keys([("Ibuprofen", "suspect")], reactions) == {
        ("ibuprofen", "pruritus"), ("ibuprofen", "sore head")}


def test_blank_names_are_not_counted() -> None:
    assert pair_keys([("  ", "suspect")], [("rash", None)]) == set()
    assert pair_keys([("Ibuprofen", "suspect")], [(" ", None)]) == set()


def four_cases() -> Counts:
    counts = Counts()
    counts.add(pair_keys([("A", "suspect")], [("rash", None), ("nausea", None)]))
    counts.add(pair_keys([("a ", "suspect")], [("Rash", None)]))
    counts.add(pair_keys([("B", "suspect")], [("rash", None)]))
    counts.add(pair_keys([("B", "suspect")], [("headache", None)]))
    return counts


def test_the_table_counts_pairs() -> None:
    counts = four_cases()  # pairs: (a, rash) x2, (a, nausea), (b, rash), (b, headache)
    assert counts.total == 5
    assert counts.table("a", "rash") == (2, 1, 1, 1)
    assert counts.table("b", "headache") == (1, 1, 0, 3)
    assert counts.table("b", "nausea") == (0, 2, 1, 2)


def test_counts_rebuilt_from_pair_totals_equal_counts_built_case_by_case() -> None:
    counts = four_cases()
    assert Counts.from_pair_totals(dict(counts.pairs)) == counts


def test_stored_totals_are_added_pair_by_pair() -> None:
    counts = Counts()
    counts.add_pair("a", "rash", 2)
    counts.add_pair("a", "nausea")
    counts.add_pair("b", "rash")
    counts.add_pair("b", "headache")
    assert counts == four_cases()
    with pytest.raises(CountError):
        counts.add_pair("a", "rash", -1)


def test_removing_a_case_undoes_adding_it() -> None:
    counts = four_cases()
    recoded = pair_keys([("B", "suspect")], [("headache", None)])
    counts.remove(recoded)
    assert counts.table("b", "headache") == (0, 1, 0, 3)
    assert ("b", "headache") not in counts.pairs and "headache" not in counts.reactions


def test_removing_an_uncounted_pair_is_refused_and_changes_nothing() -> None:
    counts = four_cases()
    with pytest.raises(CountError):
        counts.remove({("a", "rash"), ("c", "rash")})
    assert counts == four_cases()


# --- the signals list ----------------------------------------------------------------------

def counts_with(totals: dict[tuple[str, str], int]) -> Counts:
    return Counts.from_pair_totals(totals)


def test_signals_keep_pairs_with_at_least_min_count() -> None:
    counts = counts_with({("a", "rash"): 3, ("a", "nausea"): 2, ("b", "rash"): 5, ("c", "x"): 990})
    assert {(r.medicine, r.reaction) for r in signals(counts)} == {
        ("a", "rash"), ("b", "rash"), ("c", "x")}
    assert {(r.medicine, r.reaction) for r in signals(counts, min_count=4)} == {
        ("b", "rash"), ("c", "x")}


def test_signal_rows_carry_the_table_and_its_measures_in_the_api_shape() -> None:
    counts = counts_with({("a", "rash"): 3, ("a", "nausea"): 7, ("b", "rash"): 5, ("b", "x"): 985})
    row = next(r for r in signals(counts) if (r.medicine, r.reaction) == ("a", "rash"))
    assert (row.a, row.b, row.c, row.d) == (3, 7, 5, 985)
    assert close(row.prr, 59.4) and row.evans
    assert set(asdict(row)) - {"corrected"} == API_SIGNAL_KEYS


def test_signals_come_strongest_lower_ic_bound_first() -> None:
    counts = counts_with({("a", "rash"): 3, ("a", "nausea"): 7, ("b", "rash"): 5, ("b", "x"): 985})
    rows = signals(counts)
    assert [r.ic025 for r in rows] == sorted((r.ic025 for r in rows), reverse=True)
    # nausea: 7 of a's 10 pairs and nobody else's; b-rash: 5 of b's 990, fewer than expected
    assert [(r.medicine, r.reaction) for r in rows] == [
        ("a", "nausea"), ("a", "rash"), ("b", "x"), ("b", "rash")]


def test_a_reply_item_is_plain_json_with_intervals_as_lists() -> None:
    only_one_medicine = counts_with({("a", "rash"): 3, ("a", "nausea"): 7})  # c + d = 0
    items = [as_reply(row) for row in signals(only_one_medicine)]
    assert json.loads(json.dumps(items, allow_nan=False)) == items
    assert all(i["chi2"] is None and i["corrected"] is True for i in items)
    assert all(isinstance(i["prr_ci"], list) and len(i["prr_ci"]) == 2 for i in items)
