"""python -m gateway: serve the HTTP API."""

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from kit.logging import configure_logging
from kit.telemetry import configure_tracing


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", settings.log_level, settings.log_format)
    configure_tracing("gateway", settings.otel_traces_exporter)
    uvicorn.run(create_app(settings), host=settings.gateway_host, port=settings.gateway_port,
                log_config=None, access_log=False, loop="uvloop", http="httptools")


if __name__ == "__main__":
    main()
