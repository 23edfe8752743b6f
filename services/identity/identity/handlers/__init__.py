"""Identity's use cases, in one table: subject -> handler."""

from functools import partial

from contracts.subjects import rpc
from identity.handlers import accounts, applications, sessions
from identity.handlers.deps import Deps
from kit.rpc import RpcHandler

HANDLERS = {
    rpc("identity", "register_account"): accounts.register_account,
    rpc("identity", "get_me"): accounts.get_me,
    rpc("identity", "erase_me"): accounts.erase_me,
    rpc("identity", "list_consents"): accounts.list_consents,
    rpc("identity", "give_consent"): accounts.give_consent,
    rpc("identity", "withdraw_consent"): accounts.withdraw_consent,
    rpc("identity", "set_roles"): accounts.set_roles,
    rpc("identity", "user_history"): accounts.user_history,
    rpc("identity", "issue_token"): sessions.issue_token,
    rpc("identity", "refresh_token"): sessions.refresh,
    rpc("identity", "logout"): sessions.logout,
    rpc("identity", "signing_key"): sessions.signing_key,
    rpc("identity", "apply_as_professional"): applications.apply,
    rpc("identity", "my_application"): applications.my_application,
    rpc("identity", "provide_information"): applications.provide_information,
    rpc("identity", "list_applications"): applications.list_applications,
    rpc("identity", "get_application"): applications.get_application,
    rpc("identity", "decide_application"): applications.decide,
}


def routes(deps: Deps) -> dict[str, RpcHandler]:
    return {subject: partial(handler, deps) for subject, handler in HANDLERS.items()}


__all__ = ["HANDLERS", "Deps", "routes"]
