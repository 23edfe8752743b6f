"""The relay to the regulator as operations watch it (deploy/grafana/platform.json)."""

from typing import get_args

from prometheus_client import Counter, Gauge

from contracts.pharmacovigilance.messages import RelayState

SENDS = Counter("pu_regulator_sends_total", "Batches offered to the regulator, by outcome",
                ["outcome"])  # sent, unavailable (retried later), refused, unwritable, failed
ACKNOWLEDGEMENTS = Counter("pu_regulator_acknowledgements_total",
                           "Case versions the regulator answered, by ACK.B.r.6 code", ["code"])
QUEUE = Gauge("pu_regulator_queue", "Case versions in the relay queue, by state", ["state"])
OLDEST_PENDING = Gauge("pu_regulator_oldest_pending_seconds",
                       "How long the oldest case version not yet sent has waited")
QUEUE_STATES = get_args(RelayState)
LEADING = Gauge("pu_regulator_relay_leading",
                "1 while this process leads the relay to the regulator")
HEARTBEAT = Gauge("pu_regulator_relay_heartbeat_seconds",
                  "When the leading relay last went round its loop (Unix time): stalled if old")
RELAY_ERRORS = Counter("pu_regulator_relay_errors_total",
                       "Times the relay lost its database or failed and started over")
