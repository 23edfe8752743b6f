"""Cases as an ICH E2B(R3) ICSR batch (MCCI_IN200100UV01), one PORR_IN049016UV per case.

Pure: Cases in, UTF-8 bytes out. Element order follows the ICH implementation guide.

Beyond the ICH elements, each case carries `<id root=case_id extension=version>` after
C.1.1 and C.1.8.1, so that a Case reads back whole.
"""

from collections.abc import Callable, Sequence
from datetime import date, datetime
from xml.etree.ElementTree import Element

from pharmacovigilance.domain.case import Case, CaseMedicine, CaseReaction, Causality
from pharmacovigilance.e2b import codes
from pharmacovigilance.e2b.tree import (
    E2BError,
    batch_header,
    code_of,
    day,
    device,
    document,
    message_header,
    serialise,
    sub,
    timestamp,
    typed,
)


def batch_xml(cases: Sequence[Case], *, batch_id: str, sender_id: str, receiver_id: str,
              created_at: datetime,
              left_out: Callable[[Case, E2BError], None] | None = None) -> bytes:
    """One ICSR batch: N.1 header, a message per case, then batch receiver and sender.

    A case that cannot be written raises E2BError; or, given `left_out`, it is told there
    and left out, so that one case cannot stop the others (a batch of none still raises)."""
    batch = document("MCCI_IN200100UV01")
    batch_header(batch, codes.BATCH_ID, batch_id, created_at)
    sub(batch, "name", code=codes.ICSR_BATCH, codeSystem=codes.BATCH_TYPE_LIST,
        displayName="ichicsr")
    written = 0
    for case in cases:
        message = sub(batch, "PORR_IN049016UV")
        try:
            _message(message, case, created_at, sender_id, receiver_id)
        except E2BError as error:
            if left_out is None:
                raise
            batch.remove(message)
            left_out(case, error)
        else:
            written += 1
    if not written:
        raise E2BError("a batch carries at least one case")
    device(batch, "receiver", codes.BATCH_RECEIVER, receiver_id)
    device(batch, "sender", codes.BATCH_SENDER, sender_id)
    return serialise(batch)


def _message(message: Element, case: Case, created_at: datetime, sender_id: str,
             receiver_id: str) -> None:
    message_id = {"root": codes.SAFETY_REPORT_ID, "extension": case.safety_report_id}
    message_header(message, message_id, created_at, accept_ack="AL")
    device(message, "receiver", codes.MESSAGE_RECEIVER, receiver_id)
    device(message, "sender", codes.MESSAGE_SENDER, sender_id)
    _control_act(message, case)


def _control_act(message: Element, case: Case) -> None:
    act = sub(message, "controlActProcess", classCode="CACT", moodCode="EVN")
    sub(act, "code", code="PORR_TE049016UV", codeSystem=codes.HL7_TRIGGER_EVENT)
    sub(act, "effectiveTime", value=timestamp(case.created_at))
    subject = sub(act, "subject", typeCode="SUBJ")
    event = sub(subject, "investigationEvent", classCode="INVSTG", moodCode="EVN")
    sub(event, "id", root=codes.SAFETY_REPORT_ID, extension=case.safety_report_id)
    sub(event, "id", root=codes.WORLDWIDE_CASE_ID, extension=case.worldwide_id)
    sub(event, "id", root=str(case.case_id), extension=str(case.version))
    sub(event, "code", code="PAT_ADV_EVNT", codeSystem=codes.HL7_ACT_CODE)
    if case.narrative:
        sub(event, "text", case.narrative)
    sub(event, "statusCode", code="active")
    sub(sub(event, "effectiveTime"), "low", value=day(case.first_received))
    sub(event, "availabilityTime", value=day(case.most_recent))
    _assessment(event, case)
    _primary_source(event, case)
    _sender_and_report_type(event)


def _assessment(event: Element, case: Case) -> None:
    component = sub(event, "component", typeCode="COMP")
    assessment = sub(component, "adverseEventAssessment", classCode="INVSTG", moodCode="EVN")
    role = sub(sub(assessment, "subject1", typeCode="SBJ"), "primaryRole", classCode="INVSBJ")
    _patient(role, case)
    for reaction in case.reactions:
        _reaction(role, reaction)
    if case.medicines:
        drugs = _organizer(role, codes.DRUG_ORGANIZER)
        for medicine in case.medicines:
            _medicine(sub(drugs, "component", typeCode="COMP"), medicine, case.reactions)
    for medicine in case.medicines:
        _characterisation(assessment, medicine)
    for causality in case.causality:
        _relatedness(assessment, causality)


def _patient(role: Element, case: Case) -> None:
    person = sub(role, "player1", classCode="PSN", determinerCode="INSTANCE")
    if case.patient_initials is None:
        sub(person, "name", nullFlavor="MSK")
    else:
        sub(person, "name", case.patient_initials)
    if case.patient_sex in codes.SEXES:
        sub(person, "administrativeGenderCode", code=codes.SEXES[case.patient_sex],
            codeSystem=codes.SEX_LIST)
    elif case.patient_sex is not None:
        sub(person, "administrativeGenderCode", nullFlavor="UNK")
    if case.patient_birth_date:
        sub(person, "birthTime", value=day(case.patient_birth_date))
    if case.patient_age is not None:
        unit = code_of(codes.AGE_UNITS, case.patient_age_unit, "age unit")
        age = _observation(role, "subjectOf2", "SBJ", codes.AGE)
        typed(age, "value", "PQ", value=str(case.patient_age), unit=unit)
    if case.patient_weight_kg is not None:
        weight = _observation(role, "subjectOf2", "SBJ", codes.WEIGHT)
        typed(weight, "value", "PQ", value=str(case.patient_weight_kg), unit="kg")
    if case.history:
        history = sub(_organizer(role, codes.HISTORY_ORGANIZER), "component", typeCode="COMP")
        observation = sub(history, "observation", classCode="OBS", moodCode="EVN")
        sub(observation, "code", code=codes.HISTORY_TEXT, codeSystem=codes.OBSERVATION)
        typed(observation, "value", "ED", case.history)


def _reaction(role: Element, reaction: CaseReaction) -> None:
    observation = _observation(role, "subjectOf2", "SBJ", codes.REACTION,
                               id_root=str(reaction.reaction_id))
    _period(observation, reaction.start_date, reaction.stop_date)
    term = reaction.meddra
    coded = {"code": term.code, "codeSystem": codes.MEDDRA, "codeSystemVersion": term.version,
             "displayName": term.term} if term else {}
    value = typed(observation, "value", "CE", **coded)
    language = codes.LANGUAGES.get(reaction.language, reaction.language)
    sub(value, "originalText", reaction.description, language=language)
    for criterion, code in codes.SERIOUSNESS_CODES.items():
        applies = reaction.seriousness.get(criterion) == "yes"
        known = {"value": codes.APPLIES} if applies else {"nullFlavor": "NI"}
        typed(_observation(observation, "outboundRelationship2", "PERT", code), "value", "BL",
              **known)
    outcome = _observation(observation, "outboundRelationship2", "PERT", codes.OUTCOME)
    typed(outcome, "value", "CE", code=code_of(codes.OUTCOMES, reaction.outcome, "outcome"),
          codeSystem=codes.OUTCOME_LIST)


def _medicine(component: Element, medicine: CaseMedicine,
              reactions: Sequence[CaseReaction]) -> None:
    given = sub(component, "substanceAdministration", classCode="SBADM", moodCode="EVN")
    sub(given, "id", root=str(medicine.medicine_id))
    kind = sub(sub(sub(given, "consumable", typeCode="CSM"), "instanceOfKind", classCode="INST"),
               "kindOfProduct", classCode="MMAT", determinerCode="KIND")
    sub(kind, "name", medicine.name)
    if medicine.manufacturer is not None:
        _holder(kind, medicine.manufacturer)
    _dosage(given, medicine)
    for reaction in reactions:
        _recurrence(given, medicine.rechallenge, reaction)
    if medicine.frequency is not None:
        note = _observation(given, "outboundRelationship2", "REFR", codes.ADDITIONAL_INFORMATION)
        typed(note, "value", "ST", codes.FREQUENCY_LABEL + medicine.frequency)
    if medicine.indication is not None:
        reason = _observation(given, "inboundRelationship", "RSON", codes.INDICATION)
        sub(typed(reason, "value", "CE"), "originalText", medicine.indication)
    action = sub(sub(given, "inboundRelationship", typeCode="CAUS"), "act", classCode="ACT",
                 moodCode="EVN")
    sub(action, "code", code=code_of(codes.ACTIONS, medicine.action_taken, "action taken"),
        codeSystem=codes.ACTION_LIST)


def _holder(kind: Element, name: str) -> None:
    """G.k.3.3: the name of the authorisation holder, here the manufacturer on the pack."""
    product = sub(kind, "asManufacturedProduct", classCode="MANU")
    approval = sub(sub(product, "subjectOf", typeCode="SBJ"), "approval", classCode="CNTRCT",
                   moodCode="EVN")
    role = sub(sub(approval, "holder", typeCode="HLD"), "role", classCode="HLD")
    sub(sub(role, "playingOrganization", classCode="ORG", determinerCode="INSTANCE"), "name", name)


def _dosage(given: Element, medicine: CaseMedicine) -> None:
    """G.k.4.r: dosage text, start and stop, route and batch number, as one regimen."""
    relationship = sub(given, "outboundRelationship2", typeCode="COMP")
    dosage = sub(relationship, "substanceAdministration", classCode="SBADM", moodCode="EVN")
    if medicine.dose is not None:
        sub(dosage, "text", medicine.dose)
    _period(dosage, medicine.start_date, medicine.stop_date)
    if medicine.route is not None:
        sub(sub(dosage, "routeCode"), "originalText", medicine.route)
    if medicine.batch is not None:
        consumable = sub(dosage, "consumable", typeCode="CSM")
        instance = sub(consumable, "instanceOfKind", classCode="INST")
        product = sub(instance, "productInstanceInstance", classCode="MMAT",
                      determinerCode="INSTANCE")
        sub(product, "lotNumberText", medicine.batch)


def _recurrence(given: Element, rechallenge: str, reaction: CaseReaction) -> None:
    """G.k.9.i.4, once per reaction, as the drug-reaction matrix has it."""
    recurrence = _observation(given, "outboundRelationship2", "PERT", codes.RECURRENCE)
    typed(recurrence, "value", "CE", code=code_of(codes.RECHALLENGES, rechallenge, "rechallenge"),
          codeSystem=codes.RECURRENCE_LIST)
    reference = sub(sub(recurrence, "outboundRelationship1", typeCode="REFR"), "actReference",
                    classCode="OBS", moodCode="EVN")
    sub(reference, "id", root=str(reaction.reaction_id))


def _characterisation(assessment: Element, medicine: CaseMedicine) -> None:
    judged = _causality_assessment(assessment, codes.CHARACTERISATION)
    typed(judged, "value", "CE", code=code_of(codes.ROLES, medicine.role, "drug role"),
          codeSystem=codes.ROLE_LIST)
    _reference(judged, "subject2", "productUseReference", "SBADM", str(medicine.medicine_id))


def _relatedness(assessment: Element, causality: Causality) -> None:
    judged = _causality_assessment(assessment, codes.RELATEDNESS)
    typed(judged, "value", "ST", causality.category)
    sub(sub(judged, "methodCode"), "originalText", codes.WHO_UMC)
    _reference(judged, "subject1", "adverseEffectReference", "OBS", str(causality.reaction_id))
    _reference(judged, "subject2", "productUseReference", "SBADM", str(causality.medicine_id))


def _primary_source(event: Element, case: Case) -> None:
    if case.reporter_qualification not in codes.QUALIFICATIONS:
        raise E2BError(f"reporter qualification {case.reporter_qualification} is not in 1.6")
    relationship = sub(event, "outboundRelationship", typeCode="SPRT")
    sub(relationship, "priorityNumber", value="1")  # C.2.r.5: the regulatory primary source
    report = sub(relationship, "relatedInvestigation", classCode="INVSTG", moodCode="EVN")
    sub(report, "code", code=codes.SOURCE_REPORT, codeSystem=codes.REPORT_RELATION_LIST)
    person = sub(_author(report, "subjectOf2"), "assignedPerson", classCode="PSN",
                 determinerCode="INSTANCE")
    _reporter_name(sub(person, "name"), case.reporter_name)
    qualified = sub(person, "asQualifiedEntity", classCode="QUAL")
    sub(qualified, "code", code=str(case.reporter_qualification),
        codeSystem=codes.QUALIFICATION_LIST)
    located = sub(person, "asLocatedEntity", classCode="LOCE")
    country = sub(located, "location", classCode="COUNTRY", determinerCode="INSTANCE")
    sub(country, "code", code=case.reporter_country, codeSystem=codes.COUNTRY_LIST)


def _reporter_name(name: Element, full_name: str | None) -> None:
    """C.2.r.1.2 given names and C.2.r.1.4 family name, split at the last space; or masked."""
    if full_name is None:
        sub(name, "given", nullFlavor="MSK")
        sub(name, "family", nullFlavor="MSK")
        return
    given, _, family = full_name.rpartition(" ")
    if given:
        sub(name, "given", given)
    sub(name, "family", family)


def _sender_and_report_type(event: Element) -> None:
    sender = _author(event, "subjectOf1")
    sub(sender, "code", code=codes.SENDER_TYPE_OTHER_ORGANISATION,
        codeSystem=codes.SENDER_TYPE_LIST)
    # C.3.2 sits inside the (nameless) C.3.3.1 department, as the guide nests it.
    department = sub(sender, "representedOrganization", classCode="ORG",
                     determinerCode="INSTANCE")
    organisation = sub(sub(department, "assignedEntity", classCode="ASSIGNED"),
                       "representedOrganization", classCode="ORG", determinerCode="INSTANCE")
    sub(organisation, "name", codes.SENDER_ORGANISATION)
    characteristic = sub(sub(event, "subjectOf2", typeCode="SUBJ"), "investigationCharacteristic",
                         classCode="OBS", moodCode="EVN")
    sub(characteristic, "code", code=codes.REPORT_TYPE, codeSystem=codes.CHARACTERISTIC_LIST)
    typed(characteristic, "value", "CE", code=codes.SPONTANEOUS, codeSystem=codes.REPORT_TYPE_LIST)


# --- shapes used more than once ----------------------------------------------------------------

def _observation(parent: Element, relationship: str, type_code: str, code: str, *,
                 id_root: str | None = None) -> Element:
    observation = sub(sub(parent, relationship, typeCode=type_code), "observation",
                      classCode="OBS", moodCode="EVN")
    if id_root is not None:
        sub(observation, "id", root=id_root)
    sub(observation, "code", code=code, codeSystem=codes.OBSERVATION)
    return observation


def _period(parent: Element, start: date | None, stop: date | None) -> None:
    if start or stop:
        period = typed(parent, "effectiveTime", "IVL_TS")
        if start:
            sub(period, "low", value=day(start))
        if stop:
            sub(period, "high", value=day(stop))


def _organizer(role: Element, code: str) -> Element:
    organizer = sub(sub(role, "subjectOf2", typeCode="SBJ"), "organizer", classCode="CATEGORY",
                    moodCode="EVN")
    sub(organizer, "code", code=code, codeSystem=codes.ORGANIZER_LIST)
    return organizer


def _causality_assessment(assessment: Element, code: str) -> Element:
    component = sub(assessment, "component", typeCode="COMP")
    judged = sub(component, "causalityAssessment", classCode="OBS", moodCode="EVN")
    sub(judged, "code", code=code, codeSystem=codes.OBSERVATION)
    return judged


def _reference(parent: Element, relationship: str, tag: str, class_code: str, root: str) -> None:
    referred = sub(sub(parent, relationship, typeCode="SUBJ"), tag, classCode=class_code,
                   moodCode="EVN")
    sub(referred, "id", root=root)


def _author(parent: Element, relationship: str) -> Element:
    event = sub(sub(parent, relationship, typeCode="SUBJ"), "controlActEvent", classCode="CACT",
                moodCode="EVN")
    return sub(sub(event, "author", typeCode="AUT"), "assignedEntity", classCode="ASSIGNED")
