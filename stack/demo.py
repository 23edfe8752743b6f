"""Demo data for the embedded profile, loaded through the public API like any client."""

import httpx

from stack.secrets import DEMO_ACCOUNTS

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


def load(base_url: str, passwords: dict[str, str]) -> None:
    """Create the demo accounts and posts, unless they exist already."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for role in ("patient", "caregiver"):
            reply = client.post("/v1/accounts", json={
                "email": DEMO_ACCOUNTS[role], "password": passwords[f"password_{role}"],
                "display_name": {"patient": "Asha", "caregiver": "Ravi"}[role], "role": role,
                "preferred_language": "en",
                "consents": [{"purpose": "terms", "version": "2026-11"},
                             {"purpose": "health_data_processing", "version": "2026-11"}]})
            if reply.status_code == 409:
                return  # loaded on an earlier run
            reply.raise_for_status()
        token = client.post("/v1/auth/token", data={
            "username": DEMO_ACCOUNTS["patient"],
            "password": passwords["password_patient"]}).json()["access_token"]
        for community, kind, title, body, language in POSTS:
            client.post("/v1/posts", headers={"Authorization": f"Bearer {token}"},
                        json={"community": community, "kind": kind, "title": title,
                              "body": body, "language": language}).raise_for_status()
