"""Identity's use cases, in one table, and what its domain errors mean to a caller."""

from contracts import roles
from contracts.identity.messages import (
    ApplicationFilter,
    ApplicationRef,
    ApplyAsProfessional,
    Decide,
    GiveConsent,
    IssueToken,
    ProvideInformation,
    RefreshToken,
    RegisterAccount,
    SetRoles,
    UserRef,
    WithdrawConsent,
)
from contracts.rpc import NoBody
from contracts.subjects import rpc
from identity import applications as apps
from identity import domain
from identity.handlers.accounts import (
    erase_me,
    get_me,
    get_user_history,
    register_account,
    set_roles,
)
from identity.handlers.applications import (
    apply_as_professional,
    decide_application,
    get_application,
    get_my_application,
    list_applications,
    provide_information,
)
from identity.handlers.consents import give_consent, list_consents, withdraw_consent
from identity.handlers.sessions import get_signing_key, issue_token, log_out, refresh_token
from kit.usecases import ANYONE, SIGNED_IN, ErrorMap, Handler

ADMIN = (roles.ADMIN,)

HANDLERS = {
    rpc("identity", "register_account"): Handler(register_account, RegisterAccount,
                                                 roles=ANYONE, idempotent=True, status=201),
    rpc("identity", "get_me"): Handler(get_me, NoBody),
    rpc("identity", "erase_me"): Handler(erase_me, NoBody, status=202),
    rpc("identity", "list_consents"): Handler(list_consents, NoBody),
    rpc("identity", "give_consent"): Handler(give_consent, GiveConsent),
    rpc("identity", "withdraw_consent"): Handler(withdraw_consent, WithdrawConsent),
    rpc("identity", "set_roles"): Handler(set_roles, SetRoles, roles=ADMIN),
    rpc("identity", "user_history"): Handler(get_user_history, UserRef, roles=ADMIN),
    rpc("identity", "issue_token"): Handler(issue_token, IssueToken, roles=ANYONE),
    rpc("identity", "refresh_token"): Handler(refresh_token, RefreshToken, roles=ANYONE),
    rpc("identity", "logout"): Handler(log_out, RefreshToken, roles=SIGNED_IN),
    rpc("identity", "signing_key"): Handler(get_signing_key, NoBody, roles=ANYONE),
    rpc("identity", "apply_as_professional"): Handler(
        apply_as_professional, ApplyAsProfessional, roles=ANYONE, idempotent=True, status=201),
    rpc("identity", "my_application"): Handler(get_my_application, NoBody),
    rpc("identity", "provide_information"): Handler(provide_information, ProvideInformation,
                                                    roles=(roles.APPLICANT,)),
    rpc("identity", "list_applications"): Handler(list_applications, ApplicationFilter,
                                                  roles=ADMIN),
    rpc("identity", "get_application"): Handler(get_application, ApplicationRef, roles=ADMIN),
    rpc("identity", "decide_application"): Handler(decide_application, Decide, roles=ADMIN),
}

ERRORS: ErrorMap = {
    domain.InvalidContactError: 422,
    domain.WeakPasswordError: 422,
    domain.RoleError: 422,
    domain.ConsentError: 422,
    domain.AccountExistsError: 409,
    domain.NoSuchAccountError: 404,  # and ErasedError
    domain.SignInError: 401,  # wrong password, a bad or reused refresh token, an erased account
    domain.TooManyAttemptsError: 429,  # their retry_after becomes the Retry-After
    domain.TooManySignUpsError: 429,
    domain.BusyError: 503,
    apps.ApplicationError: 409,  # a step the workflow does not allow now
    apps.NoSuchApplicationError: 404,
}
