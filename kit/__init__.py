"""Infrastructure shared by the services: settings, event store, outbox relay, bus,
projections, personal-data encryption, logging, telemetry. Imports no service."""
