"""ICH E2B(R3) ICSR batches read back into Cases: the inverse of `e2b.batch_xml`.

Pure: bytes in, Cases out. Input that is not such a batch raises E2BError naming what is
missing or wrong. Relatedness assessed by a method other than WHO-UMC is not read: a
Case's causality is WHO-UMC by definition. E.i.3.2 seriousness carries only `true` or
nullFlavor NI, so a criterion the reporter answered "no" reads back as "unknown" (the
reporter's answer stays in the case record), and a `false` is refused, as strict receivers do.
"""

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from xml.etree.ElementTree import Element

from pharmacovigilance.domain.case import Case, CaseMedicine, CaseReaction, Causality, CodedTerm
from pharmacovigilance.e2b import codes
from pharmacovigilance.e2b.tree import (
    NS,
    E2BError,
    attribute,
    attribute_at,
    find,
    find_all,
    has_code,
    local_name,
    optional_day,
    parse,
    parse_day,
    parse_int,
    parse_timestamp,
    parse_uuid,
    text_at,
    value_of,
)

__all__ = ["BatchHeader", "E2BError", "read_batch", "read_batch_header"]

LANGUAGES_639_1 = {alpha3: alpha2 for alpha2, alpha3 in codes.LANGUAGES.items()}
FLAGS = "outboundRelationship2/observation"  # a reaction's seriousness and outcome
DOSAGE = "outboundRelationship2/substanceAdministration"  # a medicine's first G.k.4.r


@dataclass(frozen=True)
class BatchHeader:
    batch_id: str  # N.1.2
    sender_id: str  # N.1.3
    receiver_id: str  # N.1.4
    created_at: datetime  # N.1.5


def read_batch(xml: bytes) -> list[Case]:
    """Every case of an MCCI_IN200100UV01 batch, in message order."""
    batch = parse(xml, "MCCI_IN200100UV01")
    return [_case(find(message, "controlActProcess"))
            for message in find_all(batch, "PORR_IN049016UV")]


def read_batch_header(xml: bytes) -> BatchHeader:
    """Batch number, sender, receiver and transmission time: what an acknowledgement needs."""
    batch = parse(xml, "MCCI_IN200100UV01")
    return BatchHeader(batch_id=attribute(find(batch, "id"), "extension"),
                       sender_id=attribute(find(batch, "sender/device/id"), "extension"),
                       receiver_id=attribute(find(batch, "receiver/device/id"), "extension"),
                       created_at=parse_timestamp(attribute_at(batch, "creationTime")))


def _case(act: Element) -> Case:
    event = find(act, "subject/investigationEvent")
    assessment = find(event, "component/adverseEventAssessment")
    role = find(assessment, "subject1/primaryRole")
    case_id, version = _identity(event)
    person = find(role, "player1")
    age, age_unit = _age(role)
    reporter = _primary_source(event)
    return Case(
        case_id=case_id, version=version,
        safety_report_id=_extension(event, codes.SAFETY_REPORT_ID),
        worldwide_id=_extension(event, codes.WORLDWIDE_CASE_ID),
        created_at=parse_timestamp(attribute_at(act, "effectiveTime")),
        first_received=parse_day(attribute_at(event, "effectiveTime/low")),
        most_recent=parse_day(attribute_at(event, "availabilityTime")),
        reporter_qualification=_qualification(reporter),
        reporter_name=_reporter_name(find(reporter, "name")),
        reporter_country=attribute_at(reporter, "asLocatedEntity/location/code", "code"),
        patient_initials=_unless_null(find(person, "name")),
        patient_sex=_sex(person.find("administrativeGenderCode", NS)),
        patient_age=age, patient_age_unit=age_unit,
        patient_birth_date=optional_day(person, "birthTime"),
        patient_weight_kg=_weight(role),
        reactions=tuple(_reaction(observation) for observation
                        in _observations(role, "subjectOf2/observation", codes.REACTION)),
        medicines=_medicines(role, assessment),
        causality=_causality(assessment),
        narrative=text_at(event, "text") or "",
        history=_history(role),
    )


def _identity(event: Element) -> tuple[UUID, int]:
    """The case id and version kept in the one id outside the ICH identifier namespaces."""
    for identifier in find_all(event, "id"):
        if identifier.get("root") not in (codes.SAFETY_REPORT_ID, codes.WORLDWIDE_CASE_ID):
            version = parse_int(attribute(identifier, "extension"))
            return parse_uuid(attribute(identifier, "root")), version
    raise E2BError("missing the case's own id (root: case id, extension: version)")


def _age(role: Element) -> tuple[int | None, str]:
    ages = _observations(role, "subjectOf2/observation", codes.AGE)
    if not ages:
        return None, "years"
    quantity = find(ages[0], "value")
    unit = value_of(codes.AGE_UNITS, attribute(quantity, "unit"), "age unit")
    return parse_int(attribute(quantity, "value")), unit


def _weight(role: Element) -> float | None:
    weights = _observations(role, "subjectOf2/observation", codes.WEIGHT)
    if not weights:
        return None
    quantity = find(weights[0], "value")
    if quantity.get("unit") != "kg":
        raise E2BError(f"body weight not in kg: {quantity.get('unit')!r}")
    kilograms = attribute(quantity, "value")
    try:
        return float(kilograms)
    except ValueError as error:
        raise E2BError(f"not a weight in kg: {kilograms!r}") from error


def _reaction(observation: Element) -> CaseReaction:
    value = find(observation, "value")
    verbatim = find(value, "originalText")
    start, stop = _period(observation)
    return CaseReaction(
        reaction_id=_uuid_at(observation, "id"),
        description=verbatim.text or "",
        language=_language(attribute(verbatim, "language")),
        start_date=start, stop_date=stop,
        outcome=_coded(observation, FLAGS, codes.OUTCOME, codes.OUTCOMES, default="unknown"),
        seriousness={criterion: _seriousness(observation, code)
                     for criterion, code in codes.SERIOUSNESS_CODES.items()},
        meddra=_meddra(value),
    )


def _seriousness(reaction: Element, code: str) -> str:
    flags = _observations(reaction, FLAGS, code)
    if not flags or find(flags[0], "value").get("nullFlavor"):
        return "unknown"
    flag = attribute_at(flags[0], "value")
    if flag != codes.APPLIES:
        raise E2BError(f"E.i.3.2: seriousness criterion {code} is true or nullFlavor NI, "
                       f"not {flag!r}")
    return "yes"


def _meddra(value: Element) -> CodedTerm | None:
    code = value.get("code")
    if code is None:
        return None
    if value.get("codeSystem") != codes.MEDDRA:
        raise E2BError(f"reaction code {code} is not in MedDRA ({codes.MEDDRA})")
    return CodedTerm(code=code, term=value.get("displayName", ""),
                     version=attribute(value, "codeSystemVersion"))


def _medicines(role: Element, assessment: Element) -> tuple[CaseMedicine, ...]:
    roles = {_uuid_at(judged, "subject2/productUseReference/id"):
             value_of(codes.ROLES, attribute_at(judged, "value", "code"), "drug role")
             for judged in _assessments(assessment, codes.CHARACTERISATION)}
    organizers = [organizer for organizer in find_all(role, "subjectOf2/organizer")
                  if has_code(organizer, codes.DRUG_ORGANIZER, codes.ORGANIZER_LIST)]
    given = [administration for organizer in organizers
             for administration in find_all(organizer, "component/substanceAdministration")]
    return tuple(_medicine(administration, roles) for administration in given)


def _medicine(given: Element, roles: dict[UUID, str]) -> CaseMedicine:
    medicine_id = _uuid_at(given, "id")
    if medicine_id not in roles:
        raise E2BError(f"medicine {medicine_id} has no characterisation (G.k.1)")
    kind = find(given, "consumable/instanceOfKind/kindOfProduct")
    start, stop = _period(given, within=f"{DOSAGE}/")
    action = given.find("inboundRelationship/act/code", NS)
    return CaseMedicine(
        medicine_id=medicine_id, name=find(kind, "name").text or "", role=roles[medicine_id],
        manufacturer=text_at(kind, "asManufacturedProduct/subjectOf/approval/holder/role/"
                                   "playingOrganization/name"),
        batch=text_at(given, f"{DOSAGE}/consumable/instanceOfKind/productInstanceInstance/"
                             "lotNumberText"),
        dose=text_at(given, f"{DOSAGE}/text"),
        route=text_at(given, f"{DOSAGE}/routeCode/originalText"),
        frequency=_frequency(given), start_date=start, stop_date=stop,
        indication=_indication(given),
        action_taken="unknown" if action is None
        else value_of(codes.ACTIONS, attribute(action, "code"), "action taken"),
        rechallenge=_coded(given, "outboundRelationship2/observation", codes.RECURRENCE,
                           codes.RECHALLENGES, default="not_done"),
    )


def _frequency(given: Element) -> str | None:
    notes = _observations(given, "outboundRelationship2/observation", codes.ADDITIONAL_INFORMATION)
    texts = [text_at(note, "value") or "" for note in notes]
    labelled = [text for text in texts if text.startswith(codes.FREQUENCY_LABEL)]
    return labelled[0].removeprefix(codes.FREQUENCY_LABEL) if labelled else None


def _indication(given: Element) -> str | None:
    reasons = _observations(given, "inboundRelationship/observation", codes.INDICATION)
    return text_at(reasons[0], "value/originalText") if reasons else None


def _causality(assessment: Element) -> tuple[Causality, ...]:
    return tuple(
        Causality(medicine_id=_uuid_at(judged, "subject2/productUseReference/id"),
                  reaction_id=_uuid_at(judged, "subject1/adverseEffectReference/id"),
                  category=text_at(judged, "value") or "")
        for judged in _assessments(assessment, codes.RELATEDNESS)
        if text_at(judged, "methodCode/originalText") == codes.WHO_UMC)


def _primary_source(event: Element) -> Element:
    for report in find_all(event, "outboundRelationship/relatedInvestigation"):
        if has_code(report, codes.SOURCE_REPORT, codes.REPORT_RELATION_LIST):
            return find(report, "subjectOf2/controlActEvent/author/assignedEntity/assignedPerson")
    raise E2BError("missing the primary source (C.2.r)")


def _qualification(reporter: Element) -> int:
    qualification = parse_int(attribute_at(reporter, "asQualifiedEntity/code", "code"))
    if qualification not in codes.QUALIFICATIONS:
        raise E2BError(f"reporter qualification {qualification} is not in list 1.6")
    return qualification


def _reporter_name(name: Element) -> str | None:
    parts = [part for part in name if local_name(part) in ("given", "family")]
    if any(part.get("nullFlavor") for part in parts):
        return None
    return " ".join(part.text or "" for part in parts)


def _history(role: Element) -> str:
    for organizer in find_all(role, "subjectOf2/organizer"):
        if has_code(organizer, codes.HISTORY_ORGANIZER, codes.ORGANIZER_LIST):
            texts = _observations(organizer, "component/observation", codes.HISTORY_TEXT)
            return (text_at(texts[0], "value") or "") if texts else ""
    return ""


# --- small readers -------------------------------------------------------------------------------

def _observations(parent: Element, path: str, code: str) -> list[Element]:
    return [found for found in find_all(parent, path) if has_code(found, code, codes.OBSERVATION)]


def _coded(parent: Element, path: str, code: str, table: dict[str, str], *, default: str) -> str:
    """Our value for the coded value of the first observation with this code, or default."""
    found = _observations(parent, path, code)
    what = f"observation {code}"
    return value_of(table, attribute_at(found[0], "value", "code"), what) if found else default


def _assessments(assessment: Element, code: str) -> list[Element]:
    return _observations(assessment, "component/causalityAssessment", code)


def _extension(event: Element, root: str) -> str:
    for identifier in find_all(event, "id"):
        if identifier.get("root") == root:
            return attribute(identifier, "extension")
    raise E2BError(f"missing id with root {root}")


def _uuid_at(parent: Element, path: str) -> UUID:
    """The UUID in the root of the id at path: how reactions and medicines are referred to."""
    return parse_uuid(attribute_at(parent, path, "root"))


def _unless_null(element: Element) -> str | None:
    return None if element.get("nullFlavor") else element.text or ""


def _sex(coded: Element | None) -> str | None:
    if coded is None:
        return None
    if coded.get("nullFlavor"):
        return "unknown"
    return value_of(codes.SEXES, attribute(coded, "code"), "sex")


def _language(alpha3: str) -> str:
    return LANGUAGES_639_1.get(alpha3, alpha3)


def _period(parent: Element, within: str = "") -> tuple[date | None, date | None]:
    return (optional_day(parent, f"{within}effectiveTime/low"),
            optional_day(parent, f"{within}effectiveTime/high"))
