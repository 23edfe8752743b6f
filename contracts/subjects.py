"""Subject and stream names.

Events: `<context>.<aggregate>.<event>` on one stream per context (`PU_<CONTEXT>`).
Request/reply: `rpc.<context>.<operation>`, outside every stream.
Dead letters: `dlq.<service>.<projection>` on the `PU_DLQ` stream.
"""

CONTEXTS = ("identity", "feed", "ratings", "pharmacovigilance", "voices", "surveys",
            "assistance")
# The processes that answer `rpc.<service>.health` (and `/ready` waits for): each context's
# service, and the feed's worker.
SERVICES = ("identity", "feed", "feed-worker", "ratings", "pharmacovigilance", "voices",
            "surveys", "assistance")
DLQ_STREAM = "PU_DLQ"
# The web app's sessions, a key-value bucket its replicas share (its stream `KV_<bucket>`).
WEB_SESSIONS_BUCKET = "PU_WEB_SESSIONS"


def stream_name(context: str) -> str:
    return f"PU_{context.upper()}"


def stream_subjects(context: str) -> list[str]:
    return [f"{context}.*.*"]


def rpc(context: str, operation: str) -> str:
    return f"rpc.{context}.{operation}"


def health(context: str) -> str:
    return rpc(context, "health")


def dead_letter(service: str, projection: str) -> str:
    return f"dlq.{service}.{projection}"


def context_of(subject: str) -> str:
    return subject.split(".", 1)[0]


def rebuild(service: str) -> str:
    return rpc(service, "rebuild_projection")
