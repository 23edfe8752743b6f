"""Entry point helper: configure logging and tracing, run a service until signalled."""

from collections.abc import Callable

import uvloop

from kit.logging import configure_logging
from kit.service import Runtime, Service
from kit.telemetry import configure_tracing


def run_service(bootstrap: Callable[[], Service]) -> None:
    async def main() -> None:
        service = bootstrap()
        configure_logging(service.name, service.settings.log_level, service.settings.log_format)
        configure_tracing(service.name, service.settings.otel_traces_exporter)
        await Runtime(service).run_until_signalled()

    uvloop.run(main())
