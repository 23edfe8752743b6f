"""The side-effect report form: the fields of PvPI's consumer form, as the API takes them
(POST /v1/adr-reports). It shows one reaction and two medicines; "add another" buttons
post the form back with one more (no script needed)."""

from collections.abc import Mapping
from typing import Any, get_args

from contracts.identity.messages import LANGUAGES
from contracts.pharmacovigilance.messages import (
    ActionTaken,
    AdvisedBy,
    DrugRole,
    Outcome,
    Rechallenge,
    Relation,
    Sex,
    YesNoUnknown,
)
from web.forms import Field, Fieldset, Form, choices

SERIOUSNESS = ("death", "life_threatening", "hospitalisation", "disability",
               "congenital_anomaly", "other_medically_important")
# How many of each the form shows: at first, and at most (the API takes 20 and 30).
REACTIONS, MEDICINES = (1, 5), (2, 8)
SHOWN = {"reactions": REACTIONS, "medicines": MEDICINES}


def _reporter() -> Fieldset:
    r = "reporter."
    return Fieldset("adr.reporter", (
        Field(r + "name", "adr.reporter.name", autocomplete="name", hint="adr.optional"),
        Field(r + "email", "adr.reporter.email", "email", autocomplete="email"),
        Field(r + "phone", "adr.reporter.phone", "tel", autocomplete="tel"),
        choices(r + "relation", "adr.reporter.relation", get_args(Relation), "relation"),
        Field(r + "is_health_professional", "adr.reporter.is_health_professional", "checkbox"),
        Field(r + "consent_to_contact", "adr.reporter.consent_to_contact", "checkbox"),
        Field(r + "consent_to_be_named", "adr.reporter.consent_to_be_named", "checkbox"),
    ))


def _patient() -> Fieldset:
    p = "patient."
    return Fieldset("adr.patient", (
        Field(p + "initials", "adr.patient.initials"),
        choices(p + "sex", "adr.patient.sex", get_args(Sex), "sex", blank=True),
        Field(p + "age.value", "adr.patient.age", "number"),
        choices(p + "age.unit", "adr.patient.age_unit", ("years", "months"), "age_unit"),
        Field(p + "date_of_birth", "adr.patient.date_of_birth", "date"),
        Field(p + "weight_kg", "adr.patient.weight_kg", "number"),
    ))


def _reaction(index: int, language: str) -> Fieldset:
    r = f"reactions.{index}."
    serious = tuple(choices(f"{r}seriousness.{name}", f"seriousness.{name}",
                            get_args(YesNoUnknown), "answer", default="unknown")
                    for name in SERIOUSNESS)
    return Fieldset("adr.reaction" if index == 0 else "adr.reaction.more", (
        Field(r + "description", "adr.reaction.description", "textarea", required=index == 0,
              hint="adr.reaction.description_hint"),
        choices(r + "language", "adr.reaction.language", LANGUAGES, "language",
                default=language),
        Field(r + "start_date", "adr.reaction.start_date", "date"),
        Field(r + "stop_date", "adr.reaction.stop_date", "date"),
        choices(r + "outcome", "adr.reaction.outcome", get_args(Outcome), "outcome",
                default="unknown"),
        *serious,
    ))


def _medicine(index: int) -> Fieldset:
    m = f"medicines.{index}."
    return Fieldset("adr.medicine.0" if index == 0 else "adr.medicine.1", (
        Field(m + "name", "adr.medicine.name", required=index == 0,
              hint="adr.medicine.name_hint"),
        Field(m + "manufacturer", "adr.medicine.manufacturer"),
        Field(m + "batch", "adr.medicine.batch"),
        Field(m + "expiry", "adr.medicine.expiry"),
        Field(m + "dose", "adr.medicine.dose"),
        Field(m + "route", "adr.medicine.route"),
        Field(m + "frequency", "adr.medicine.frequency"),
        Field(m + "start_date", "adr.medicine.start_date", "date"),
        Field(m + "stop_date", "adr.medicine.stop_date", "date"),
        Field(m + "indication", "adr.medicine.indication"),
        choices(m + "advised_by", "adr.medicine.advised_by", get_args(AdvisedBy),
                "advised_by", blank=True),
        choices(m + "role", "adr.medicine.role", get_args(DrugRole), "drug_role",
                default="suspect" if index == 0 else "concomitant"),
        choices(m + "action_taken", "adr.medicine.action_taken", get_args(ActionTaken),
                "action_taken", default="unknown"),
        choices(m + "rechallenge", "adr.medicine.rechallenge", get_args(Rechallenge),
                "rechallenge", default="not_done"),
    ))


def report_form(language: str, reactions: int = REACTIONS[0],
                medicines: int = MEDICINES[0]) -> Form:
    """The form with this many reactions and medicines, the reactions' language preset to
    the UI's."""
    return Form((_reporter(), _patient(), *(_reaction(i, language) for i in range(reactions)),
                 *(_medicine(i) for i in range(medicines)),
                 Fieldset("adr.other", (Field("history", "adr.history", "textarea"),))))


def shown(posted: Mapping[str, Any], kind: str, given: int = 0) -> int:
    """How many `kind` (reactions, medicines) the form shows: as many as it showed (its
    hidden `shown.<kind>`) or as the report holds, one more when asked, within bounds."""
    least, most = SHOWN[kind]
    try:
        count = int(str(posted.get(f"shown.{kind}", least)))
    except ValueError:
        count = least
    count = max(count, given) + (posted.get("more") == kind)
    return min(max(count, least), most)


def report_body(form: Form, posted: Mapping[str, Any]) -> dict[str, Any]:
    """The API's body: an age only with its value; the blocks left empty at the end of the
    form left out (a reaction is always sent: the API says what it lacks). Empty blocks in
    between are sent, so that each of the API's errors names the block the user sees."""
    body = form.body(posted)
    patient = body.get("patient", {})
    if "value" not in patient.get("age", {}):
        patient.pop("age", None)
    body["reactions"] = _trimmed(body.get("reactions", []), "description", keep=1)
    body["medicines"] = _trimmed(body.get("medicines", []), "name", keep=0)
    body["draft"] = posted.get("draft") == "true"
    return body


def _trimmed(blocks: list[dict[str, Any]], key: str, keep: int) -> list[dict[str, Any]]:
    while len(blocks) > keep and not blocks[-1].get(key):
        blocks.pop()
    return blocks
