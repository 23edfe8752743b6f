"""The ICH E2B(R3) vocabulary the platform writes and reads: OIDs, observation codes and
code lists (ICH ICSR Implementation Guide, 2013), and our values' codes in them."""

from pharmacovigilance.domain.case import SERIOUSNESS

ICH = "2.16.840.1.113883.3.989.2.1"


def ich_list(n: int) -> str:
    """OID of ICH code list n (…2.1.1.n)."""
    return f"{ICH}.1.{n}"


def ich_id(n: int) -> str:
    """OID of ICH identifier namespace n (…2.1.3.n)."""
    return f"{ICH}.3.{n}"


HL7_INTERACTION, HL7_TRIGGER_EVENT, HL7_ACT_CODE = (
    "2.16.840.1.113883.1.6", "2.16.840.1.113883.1.18", "2.16.840.1.113883.5.4")
SAFETY_REPORT_ID = ich_id(1)  # C.1.1, also N.2.r.1 and ACK.B.r.1
WORLDWIDE_CASE_ID = ich_id(2)  # C.1.8.1
MESSAGE_SENDER, MESSAGE_RECEIVER = ich_id(11), ich_id(12)  # N.2.r.2, N.2.r.3
BATCH_SENDER, BATCH_RECEIVER = ich_id(13), ich_id(14)  # N.1.3, N.1.4
ACK_MESSAGE_SENDER, ACK_MESSAGE_RECEIVER = ich_id(15), ich_id(16)  # ACK.B.r.4, ACK.B.r.3
ACK_BATCH_SENDER, ACK_BATCH_RECEIVER = ich_id(17), ich_id(18)  # ACK.M.2, ACK.M.3
LOCAL_REPORT_ID = ich_id(19)  # ACK.B.r.2
ACK_BATCH_ID = ich_id(20)  # ACK.M.1
BATCH_ID = ich_id(22)  # N.1.2, ACK.A.1

# Code lists (…2.1.1.n)
BATCH_TYPE_LIST, REPORT_TYPE_LIST, QUALIFICATION_LIST, SENDER_TYPE_LIST = (
    ich_list(1), ich_list(2), ich_list(6), ich_list(7))
OUTCOME_LIST, ROLE_LIST, ACTION_LIST, RECURRENCE_LIST = (
    ich_list(11), ich_list(13), ich_list(15), ich_list(16))
OBSERVATION, ORGANIZER_LIST, REPORT_RELATION_LIST, CHARACTERISTIC_LIST = (
    ich_list(19), ich_list(20), ich_list(22), ich_list(23))
MEDDRA = "2.16.840.1.113883.6.163"
SEX_LIST = "1.0.5218"
COUNTRY_LIST = "1.0.3166.1.2.2"

# Codes in the observation list (…1.19), the organizer list (…1.20) and others
AGE, WEIGHT, HISTORY_TEXT, INDICATION = "3", "7", "18", "19"
ADDITIONAL_INFORMATION, CHARACTERISATION, OUTCOME, REACTION = "2", "20", "27", "29"
RECURRENCE, RELATEDNESS = "31", "39"
SERIOUSNESS_CODES = dict(zip(SERIOUSNESS, ("34", "21", "33", "35", "12", "26"), strict=True))
HISTORY_ORGANIZER, DRUG_ORGANIZER = "1", "4"
ICSR_BATCH = "1"  # N.1.1
REPORT_TYPE, SPONTANEOUS = "1", "1"  # C.1.3 in the characteristic list, and its value
SOURCE_REPORT = "2"  # C.2.r in the report relation list
SENDER_TYPE_OTHER_ORGANISATION = "6"  # C.3.1: a patients' organisation is none of 1-5 or 7
SENDER_ORGANISATION = "Patients' Union"  # C.3.2
QUALIFICATIONS = range(1, 6)  # C.2.r.4: physician … consumer
WHO_UMC = "WHO-UMC"  # G.k.9.i.2.r.2

# Our values and their codes
SEXES = {"male": "1", "female": "2"}
AGE_UNITS = {"years": "a", "months": "mo"}
OUTCOMES = {"recovered": "1", "recovering": "2", "not_recovered": "3",
            "recovered_with_sequelae": "4", "fatal": "5", "unknown": "0"}
ROLES = {"suspect": "1", "concomitant": "2", "interacting": "3"}
ACTIONS = {"withdrawn": "1", "dose_reduced": "2", "dose_increased": "3",
           "dose_not_changed": "4", "unknown": "0", "not_applicable": "9"}
RECHALLENGES = {"yes": "1", "no": "2", "unknown": "3", "not_done": "4"}
# E.i.3.2: a criterion that applies is BL "true"; one that does not, or is not known, is
# nullFlavor NI (never "false", which strict receivers refuse).
APPLIES = "true"
# E.i.1.1b is ISO 639-2 alpha-3; cases keep ISO 639-1, as the reporting form sends it.
LANGUAGES = {"en": "eng", "hi": "hin", "bn": "ben", "ta": "tam", "te": "tel", "mr": "mar",
             "gu": "guj", "kn": "kan", "ml": "mal", "pa": "pan", "or": "ori", "as": "asm",
             "ur": "urd", "ne": "nep", "sa": "san", "ks": "kas", "sd": "snd"}
FREQUENCY_LABEL = "Frequency: "  # G.k.11 text; E2B has no free-text frequency of its own
