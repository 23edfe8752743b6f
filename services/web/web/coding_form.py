"""The officer's coding form of one case (POST /v1/pv/cases/{id}/assessment): MedDRA code
and term of each reaction, the confirmed seriousness, WHO-UMC causality of each medicine
for each reaction, and the narrative."""

from collections.abc import Mapping
from typing import Any, get_args

from contracts.pharmacovigilance.messages import Causality, YesNoUnknown
from web.adr_form import SERIOUSNESS
from web.forms import Field, Fieldset, Form, choices

MEDDRA_VERSION = "27.1"


def pairs(case: Mapping[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every (medicine, reaction) of the case, the order causality is asked in."""
    return [(m, r) for r in case["reactions"] for m in case["medicines"]]


def coding_form(case: Mapping[str, Any]) -> Form:
    reactions = tuple(_reaction(i, r) for i, r in enumerate(case["reactions"]))
    causality = Fieldset("coding.causality", tuple(
        choices(f"causality.{j}.category", "coding.causality_of", get_args(Causality),
                "causality", blank=True,
                detail=f"{medicine['name']} → {_short(reaction['description'])}")
        for j, (medicine, reaction) in enumerate(pairs(case))))
    review = Fieldset("coding.review", (
        Field("seriousness_confirmed", "coding.seriousness_confirmed", "checkbox"),
        Field("narrative", "coding.narrative", "textarea")))
    hidden = (*(f"reactions.{i}.reaction_id" for i, _ in enumerate(case["reactions"])),
              *(f"causality.{j}.{k}" for j, _ in enumerate(pairs(case))
                for k in ("medicine_id", "reaction_id")))
    return Form((*reactions, causality, review), hidden=hidden)


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _reaction(index: int, reaction: Mapping[str, Any]) -> Fieldset:
    r = f"reactions.{index}."
    serious = tuple(choices(f"{r}seriousness.{name}", f"seriousness.{name}",
                            get_args(YesNoUnknown), "answer", blank=True)
                    for name in SERIOUSNESS)
    return Fieldset("coding.reaction", (
        Field(r + "meddra.code", "coding.meddra_code", hint="coding.meddra_code_hint"),
        Field(r + "meddra.term", "coding.meddra_term"),
        Field(r + "meddra.version", "coding.meddra_version"),
        *serious), detail=str(reaction["description"]))


def coding_values(case: Mapping[str, Any]) -> dict[str, str]:
    """The form filled with the case's ids and what the officer already said."""
    values: dict[str, str] = {"narrative": case.get("narrative") or ""}
    if case.get("seriousness_confirmed"):
        values["seriousness_confirmed"] = "on"
    for i, reaction in enumerate(case["reactions"]):
        r, rid = f"reactions.{i}.", str(reaction["reaction_id"])
        values[r + "reaction_id"] = rid
        coded = case["coding"].get(rid, {})
        values[r + "meddra.code"] = coded.get("code", "")
        values[r + "meddra.term"] = coded.get("term", "")
        values[r + "meddra.version"] = coded.get("version", MEDDRA_VERSION)
        for name, answer in case["confirmed_seriousness"].get(rid, {}).items():
            values[f"{r}seriousness.{name}"] = answer
    assessed = {(c["medicine_id"], c["reaction_id"]): c["category"] for c in case["causality"]}
    for j, (medicine, reaction) in enumerate(pairs(case)):
        key = (str(medicine["medicine_id"]), str(reaction["reaction_id"]))
        values[f"causality.{j}.medicine_id"], values[f"causality.{j}.reaction_id"] = key
        values[f"causality.{j}.category"] = assessed.get(key, "")
    return values


def assessment_body(form: Form, posted: Mapping[str, Any]) -> dict[str, Any]:
    """The API's body: only the reactions given a code, the pairs given a category."""
    body = form.body(posted)
    body["reactions"] = [r for r in body.get("reactions", []) if r.get("meddra", {}).get("code")
                         or r.get("meddra", {}).get("term")]
    for coding in body["reactions"]:
        if not coding.get("seriousness"):
            coding.pop("seriousness", None)
    body["causality"] = [c for c in body.get("causality", []) if c.get("category")]
    return body
