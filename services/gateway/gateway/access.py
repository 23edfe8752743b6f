"""Who may call which endpoint: one table, enforced for every route by `caller`."""

ADMIN = frozenset({"admin"})
STAFF = frozenset({"moderator", "pharmacist_reviewer", "pv_officer", "regulator_liaison",
                   "admin"})
MEMBERS = frozenset({"patient", "caregiver", "professional"}) | STAFF
SIGNED_IN = MEMBERS | {"applicant"}

# (method, path) -> the roles allowed; None: anyone, signed in or not.
ACCESS: dict[tuple[str, str], frozenset[str] | None] = {
    ("POST", "/v1/accounts"): None,
    ("POST", "/v1/auth/token"): None,
    ("GET", "/v1/me"): SIGNED_IN,
    ("GET", "/v1/communities"): None,
    ("GET", "/v1/feed"): None,
    ("POST", "/v1/posts"): MEMBERS,
    ("GET", "/v1/posts/{post_id}"): None,
    ("POST", "/v1/admin/projections/{service}/{projection}/rebuild"): ADMIN,
}
