"""Who may call which endpoint: one table, enforced for every route by `caller`."""

ADMIN = frozenset({"admin"})
STAFF = frozenset({"moderator", "pharmacist_reviewer", "pv_officer", "regulator_liaison",
                   "admin"})
MEMBERS = frozenset({"patient", "caregiver", "professional"}) | STAFF
APPLICANT = frozenset({"applicant"})
SIGNED_IN = MEMBERS | APPLICANT

# (method, path) -> the roles allowed; None: anyone, signed in or not.
ACCESS: dict[tuple[str, str], frozenset[str] | None] = {
    ("POST", "/v1/accounts"): None,
    ("POST", "/v1/auth/token"): None,
    ("POST", "/v1/auth/refresh"): None,
    ("POST", "/v1/auth/logout"): SIGNED_IN,
    ("GET", "/v1/me"): SIGNED_IN,
    ("DELETE", "/v1/me"): SIGNED_IN,
    ("GET", "/v1/me/consents"): SIGNED_IN,
    ("POST", "/v1/me/consents"): SIGNED_IN,
    ("DELETE", "/v1/me/consents/{purpose}"): SIGNED_IN,
    ("POST", "/v1/professional-applications"): None,
    ("GET", "/v1/me/professional-application"): SIGNED_IN,
    ("POST", "/v1/me/professional-application/information"): APPLICANT,
    ("GET", "/v1/admin/professional-applications"): ADMIN,
    ("GET", "/v1/admin/professional-applications/{application_id}"): ADMIN,
    ("POST", "/v1/admin/professional-applications/{application_id}/decision"): ADMIN,
    ("PUT", "/v1/admin/users/{user_id}/roles"): ADMIN,
    ("GET", "/v1/admin/users/{user_id}/history"): ADMIN,
    ("GET", "/v1/communities"): None,
    ("GET", "/v1/feed"): None,
    ("POST", "/v1/posts"): MEMBERS,
    ("GET", "/v1/posts/{post_id}"): None,
    ("POST", "/v1/admin/projections/{service}/{projection}/rebuild"): ADMIN,
}
