"""The eligibility check, before anything else: government schemes that may cover the case,
because a scheme should pay first. The schemes are the feed's directory (its SchemeListed
events, kept by the `schemes` projection); the rules are README.md's "Eligibility". It is a
screening that points people to schemes, not a scheme's own decision."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

SERIOUS = {"cancer", "heart", "kidney", "liver", "neurology", "transplant"}
AREA_NEEDS = {"kidney": {"dialysis"}, "tuberculosis": {"tuberculosis"},
              "maternity": {"pregnancy"}, "child": {"child_health"}}
# PM-JAY's families come from the SECC 2011 deprivation lists; these brackets are where such
# families are; from 2024 everyone aged 70 or more is covered whatever the income.
PMJAY_BRACKETS = {"bpl", "below_1_lakh", "1_to_2_5_lakh"}
PMJAY_HOSPITALS = {"government", "private_empanelled"}
NOT_FOR_TREATMENT_COST = {"medicines", "government_employees"}


@dataclass(frozen=True)
class Case:
    patient_age: int
    disease_area: str
    hospital_type: str
    hospital_state: str
    income_bracket: str

    @property
    def needs(self) -> set[str]:
        needs = {"hospitalisation", *AREA_NEEDS.get(self.disease_area, set())}
        if self.disease_area in SERIOUS:
            needs.add("serious_illness")
        if self.patient_age < 18:
            needs.add("child_health")
        return needs


@dataclass(frozen=True)
class Scheme:
    scheme_id: object
    slug: str
    names: dict[str, str]
    needs: Sequence[str]
    states: Sequence[str]
    link: str | None = None
    helpline: str | None = None

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.slug


def _pm_jay(case: Case) -> str | None:
    if case.hospital_type not in PMJAY_HOSPITALS:
        return None
    if case.patient_age >= 70:
        return "PM-JAY covers everyone aged 70 or more, up to ₹5 lakh a year, cashless"
    if case.income_bracket in PMJAY_BRACKETS:
        return ("the household's income is in PM-JAY's range and the hospital is a government "
                "or empanelled one: up to ₹5 lakh a year, cashless; check the family's card")
    return None


def _ran(case: Case) -> str | None:
    if (case.income_bracket == "bpl" and case.hospital_type == "government"
            and "serious_illness" in case.needs):
        return ("a life-threatening illness treated at a government hospital, for a family "
                "below the poverty line: a one-time grant paid to the hospital")
    return None


def _by_need(need: str, why: str) -> Callable[[Case], str | None]:
    return lambda case: why if need in case.needs else None


RULES: dict[str, Callable[[Case], str | None]] = {
    "pm-jay": _pm_jay,
    "rashtriya-arogya-nidhi": _ran,
    "pm-national-dialysis": _by_need("dialysis", "free dialysis at the district hospital"),
    "nikshay-poshan": _by_need("tuberculosis", "support for every person treated for TB"),
    "janani-suraksha": _by_need("pregnancy", "cash help for delivery in a public facility"),
    "rbsk": _by_need("child_health", "free treatment of children's conditions it screens"),
    "cghs": lambda case: None,  # central government employees: not asked here
    "jan-aushadhi": lambda case: None,  # medicines at low prices: not a treatment's cost
}


def _other(scheme: Scheme, case: Case) -> str | None:
    """A scheme without a rule of its own: a state's scheme for the hospital's state, or a
    central one, that covers a need of the case."""
    states = {s.lower() for s in scheme.states}
    central = "all" in states
    if not central and case.hospital_state.lower() not in states:
        return None
    covered = (set(scheme.needs) - NOT_FOR_TREATMENT_COST) & case.needs
    if not covered:
        return None
    where = "a central scheme" if central else f"a scheme of {case.hospital_state}"
    return f"{where} covering {', '.join(sorted(covered)).replace('_', ' ')}"


def suggestions(case: Case, schemes: Sequence[Scheme]) -> list[tuple[Scheme, str]]:
    """The schemes that may cover the case, with why; PM-JAY and RAN first."""
    found = []
    for scheme in schemes:
        rule = RULES.get(scheme.slug)
        why = rule(case) if rule is not None else _other(scheme, case)
        if why:
            found.append((scheme, why))
    order = list(RULES)
    return sorted(found, key=lambda s: (order.index(s[0].slug) if s[0].slug in order
                                        else len(order), s[0].slug))


def advice(found: Sequence[object]) -> str:
    if not found:
        return ("No government scheme we know of seems to cover this case: the fund can "
                "consider it.")
    return ("Apply to these schemes first: a scheme should pay before the fund. You can still "
            "apply here; a caseworker will help with either.")
