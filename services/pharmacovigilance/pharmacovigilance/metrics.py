"""The relay to the regulator as operations watch it (deploy/grafana/platform.json)."""

from prometheus_client import Counter, Gauge

SENDS = Counter("pu_regulator_sends_total", "Batches offered to the regulator, by outcome",
                ["outcome"])  # sent, unavailable (retried later), refused
ACKNOWLEDGEMENTS = Counter("pu_regulator_acknowledgements_total",
                           "Case versions the regulator answered, by ACK.B.r.6 code", ["code"])
QUEUE = Gauge("pu_regulator_queue", "Case versions in the relay queue, by state", ["state"])
OLDEST_PENDING = Gauge("pu_regulator_oldest_pending_seconds",
                       "How long the oldest case version not yet sent has waited")
QUEUE_STATES = ("pending", "sent", "acknowledged", "rejected")
