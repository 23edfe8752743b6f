"""The platform's role names (../shared/API.md), in one place for every service."""

PATIENT, CAREGIVER = "patient", "caregiver"
APPLICANT, PROFESSIONAL = "applicant", "professional"  # awaiting vetting; vetted
MODERATOR, PHARMACIST_REVIEWER = "moderator", "pharmacist_reviewer"
PV_OFFICER, REGULATOR_LIAISON = "pv_officer", "regulator_liaison"
VOICES_CURATOR, SURVEY_MANAGER = "voices_curator", "survey_manager"
ASSISTANCE_OFFICER, ADMIN = "assistance_officer", "admin"

SELF_SERVICE = frozenset({PATIENT, CAREGIVER})  # chosen at sign-up
STAFF = frozenset({MODERATOR, PHARMACIST_REVIEWER, PV_OFFICER, REGULATOR_LIAISON,
                   VOICES_CURATOR, SURVEY_MANAGER, ASSISTANCE_OFFICER, ADMIN})  # admins give
PV = frozenset({PV_OFFICER, REGULATOR_LIAISON})  # who may read ADR cases
MEMBERS = SELF_SERVICE | {PROFESSIONAL} | STAFF  # everyone vetted: may post, report, rate
ALL = MEMBERS | {APPLICANT}
