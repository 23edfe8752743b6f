"""Demo data for the embedded profile, loaded through the public API like any client:
one account per role, reached the way real users reach them, a few posts, and side-effect
reports for the pharmacovigilance officer's work list."""

import httpx

from stack.secrets import DEMO_ACCOUNTS

CONSENTS = [{"purpose": "terms", "version": "2026-11"},
            {"purpose": "health_data_processing", "version": "2026-11"}]
NAMES = {"patient": "Asha", "caregiver": "Ravi", "moderator": "Kiran",
         "pharmacist_reviewer": "Joseph", "pv_officer": "Lakshmi", "regulator_liaison": "Arjun"}
PROFESSIONALS = {
    "applicant": ("Dr. Meena Iyer", "Tamil Nadu Medical Council", "TNMC-88120", "MBBS"),
    "professional": ("Dr. Farida Shaikh", "Maharashtra Medical Council", "MMC-2011-04567",
                     "MBBS, MD (Medicine)"),
}
POSTS = [
    ("diabetes", "question", "Checking sugar at home",
     "My father was just diagnosed with type 2 diabetes. How often should we check his "
     "sugar at home, and which glucometer strips are covered under PMJAY?", "en"),
    ("diabetes", "discussion", "सुबह की सैर",
     "रोज़ सुबह 30 मिनट की सैर से मेरी शुगर काफ़ी नियंत्रित रहती है।", "hi"),
    ("common", "discussion", "Welcome to the Patients' Union",
     "Introduce yourself: what brings you here, and what would you like to change?", "en"),
    ("mental-health", "discussion", "You are not alone",
     "Three years of living with anxiety. Ask me anything about what helped.", "en"),
]




def _adr(initials: str, sex: str, age: int, reaction: str, language: str, medicine: str,
         serious: dict[str, str], relation: str = "self", draft: bool = False) -> dict:
    return {
        "reporter": {"relation": relation, "consent_to_contact": True},
        "patient": {"initials": initials, "sex": sex, "age": {"value": age, "unit": "years"}},
        "reactions": [{"description": reaction, "language": language,
                       "start_date": "2026-11-10", "outcome": "recovering",
                       "seriousness": serious}],
        "medicines": [{"name": medicine, "dose": "as prescribed", "route": "oral",
                       "start_date": "2026-11-05", "advised_by": "doctor", "role": "suspect",
                       "action_taken": "withdrawn", "rechallenge": "not_done"}],
        "draft": draft}


NOT_SERIOUS = {"death": "no", "life_threatening": "no", "hospitalisation": "no",
               "disability": "no", "congenital_anomaly": "no", "other_medically_important": "no"}
ADR_REPORTS = [  # (who reports, the consumer form)
    ("patient", _adr("AK", "female", 41, "त्वचा पर खुजली वाले दाने", "hi",
                     "Amoxicillin 500 mg capsule", {"death": "no", "hospitalisation": "unknown"})),
    ("patient", _adr("AK", "female", 41, "Dizzy and faint every morning", "en",
                     "Amlodipine 5 mg tablet", NOT_SERIOUS)),
    ("caregiver", _adr("SR", "male", 72, "Vomited blood, admitted for two days", "en",
                       "Aspirin 75 mg tablet", {"hospitalisation": "yes"}, relation="parent")),
    ("caregiver", _adr("SR", "male", 72, "Swollen ankles", "en", "Pioglitazone 15 mg tablet",
                       {}, relation="parent", draft=True)),
]


def load(base_url: str, passwords: dict[str, str],
         admin: tuple[str, str] | None = None) -> None:
    """Create the demo accounts and posts, unless an earlier run did; `admin` is the first
    admin's (email, password) when the operator gave their own."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        if client.post("/v1/auth/token", data={
                "username": DEMO_ACCOUNTS["patient"],
                "password": passwords["password_patient"]}).status_code == 200:
            return  # loaded on an earlier run
        staff = (_signed_in(client, *admin) if admin else _sign_in(client, "admin", passwords))
        for role, name in NAMES.items():
            _register(client, role, name, passwords)
            if role not in ("patient", "caregiver"):
                user_id = _register_id(client, role, passwords)
                client.put(f"/v1/admin/users/{user_id}/roles", headers=staff,
                           json={"roles": [role], "reason": "demo team"}).raise_for_status()
        for role, (name, council, number, qualification) in PROFESSIONALS.items():
            applied = client.post("/v1/professional-applications", json={
                "full_name": name, "email": DEMO_ACCOUNTS[role], "profession": "doctor",
                "registration_council": council, "registration_number": number,
                "qualification": qualification, "workplace": "Government hospital",
                "password": passwords[f"password_{role}"]})
            applied.raise_for_status()
            if role == "professional":
                client.post(f"/v1/admin/professional-applications/"
                            f"{applied.json()['application_id']}/decision", headers=staff,
                            json={"decision": "approve", "reason": "Demo: registration "
                                  "checked on the council's register"}).raise_for_status()
        patient = _sign_in(client, "patient", passwords)
        for community, kind, title, body, language in POSTS:
            client.post("/v1/posts", headers=patient, json={
                "community": community, "kind": kind, "title": title, "body": body,
                "language": language}).raise_for_status()
        for role, form in ADR_REPORTS:  # the reporter reachable at the account's email
            reporter = {**form["reporter"], "email": DEMO_ACCOUNTS[role]}
            client.post("/v1/adr-reports", headers=_sign_in(client, role, passwords),
                        json={**form, "reporter": reporter}).raise_for_status()


def _register(client: httpx.Client, role: str, name: str, passwords: dict[str, str]) -> None:
    base_role = role if role in ("patient", "caregiver") else "patient"
    client.post("/v1/accounts", json={
        "email": DEMO_ACCOUNTS[role], "password": passwords[f"password_{role}"],
        "display_name": name, "role": base_role, "preferred_language": "en",
        "consents": CONSENTS}).raise_for_status()


def _register_id(client: httpx.Client, role: str, passwords: dict[str, str]) -> str:
    me = client.get("/v1/me", headers=_sign_in(client, role, passwords))
    me.raise_for_status()
    return str(me.json()["user_id"])


def _sign_in(client: httpx.Client, role: str, passwords: dict[str, str]) -> dict[str, str]:
    return _signed_in(client, DEMO_ACCOUNTS[role], passwords[f"password_{role}"])


def _signed_in(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    reply = client.post("/v1/auth/token", data={"username": username, "password": password})
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}
