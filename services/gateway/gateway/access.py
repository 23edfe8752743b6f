"""Who may call which endpoint: one table, enforced for every route by `caller`."""

from contracts import roles

ADMIN = frozenset({roles.ADMIN})
MEMBERS = roles.MEMBERS
APPLICANT = frozenset({roles.APPLICANT})
PV_OFFICER = frozenset({roles.PV_OFFICER})
PV = roles.PV
LIAISON = frozenset({roles.REGULATOR_LIAISON})
SIGNED_IN = roles.ALL
MODERATORS = frozenset({roles.MODERATOR, roles.ADMIN})
REVIEWERS = frozenset({roles.PHARMACIST_REVIEWER})

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
    ("POST", "/v1/communities/{slug}/follow"): SIGNED_IN,
    ("DELETE", "/v1/communities/{slug}/follow"): SIGNED_IN,
    ("GET", "/v1/me/follows"): SIGNED_IN,
    ("GET", "/v1/me/feed"): SIGNED_IN,
    ("POST", "/v1/flags"): MEMBERS,
    ("POST", "/v1/comments/{comment_id}/flags"): MEMBERS,
    ("GET", "/v1/me/notifications"): SIGNED_IN,
    ("POST", "/v1/me/notifications/read"): SIGNED_IN,
    ("GET", "/v1/schemes"): None,
    ("GET", "/v1/search"): None,
    ("GET", "/v1/schemes/{scheme_id}"): None,
    ("POST", "/v1/drug-queries"): MEMBERS,
    ("GET", "/v1/drug-queries"): REVIEWERS,
    ("GET", "/v1/me/drug-queries"): MEMBERS,
    ("GET", "/v1/drug-queries/{query_id}"): MEMBERS,
    ("POST", "/v1/drug-queries/{query_id}/answer"): REVIEWERS,
    ("GET", "/v1/moderation/queue"): MODERATORS,
    ("POST", "/v1/moderation/items/{item_id}/decision"): MODERATORS,
    ("PUT", "/v1/admin/moderators/{user_id}/communities"): ADMIN,
    ("GET", "/v1/resources"): None,
    ("POST", "/v1/resources"): ADMIN,
    ("DELETE", "/v1/resources/{resource_id}"): ADMIN,
    ("GET", "/v1/events"): None,
    ("POST", "/v1/events"): ADMIN,
    ("DELETE", "/v1/events/{event_id}"): ADMIN,
    ("POST", "/v1/posts"): MEMBERS,
    ("GET", "/v1/posts/{post_id}"): None,
    ("POST", "/v1/media/voice-notes"): MEMBERS,
    ("GET", "/v1/media/voice-notes/{voice_note_id}"): None,  # the feed decides who plays
    ("POST", "/v1/posts/{post_id}/comments"): MEMBERS,
    ("PUT", "/v1/posts/{post_id}"): MEMBERS,
    ("DELETE", "/v1/posts/{post_id}"): MEMBERS,
    ("GET", "/v1/posts/{post_id}/history"): MEMBERS,
    ("GET", "/v1/policy-inputs"): MODERATORS,
    ("PUT", "/v1/posts/{post_id}/reactions/{kind}"): MEMBERS,
    ("DELETE", "/v1/posts/{post_id}/reactions/{kind}"): MEMBERS,
    ("POST", "/v1/admin/projections/{service}/{projection}/rebuild"): ADMIN,
    ("POST", "/v1/adr-reports"): MEMBERS,
    ("PUT", "/v1/adr-reports/{report_id}"): MEMBERS,
    ("GET", "/v1/adr-reports/{report_id}"): MEMBERS,
    ("GET", "/v1/me/adr-reports"): MEMBERS,
    ("GET", "/v1/pv/cases"): PV_OFFICER,
    ("GET", "/v1/pv/cases/{report_id}"): PV,
    ("GET", "/v1/pv/cases/{report_id}/e2b"): PV,
    ("GET", "/v1/pv/cases/{report_id}/reads"): PV_OFFICER | ADMIN,
    ("GET", "/v1/pv/signals"): PV,
    ("POST", "/v1/pv/cases/{report_id}/assessment"): PV_OFFICER,
    ("POST", "/v1/pv/cases/{report_id}/follow-up-requests"): PV_OFFICER,
    ("POST", "/v1/adr-reports/{report_id}/follow-up"): MEMBERS,
    ("POST", "/v1/pv/cases/{report_id}/submit"): PV_OFFICER,
    ("GET", "/v1/pv/relay"): PV,
    ("POST", "/v1/pv/cases/{report_id}/duplicates"): PV_OFFICER,
    ("GET", "/v1/pv/exports"): LIAISON,
}
