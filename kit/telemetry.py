"""OpenTelemetry traces whose context crosses NATS in message headers."""

import functools
from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.propagate import extract, inject, set_global_textmap
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_configured = False
_recording = False


def configure_tracing(service: str, exporter: str = "none",
                      processor: SpanProcessor | None = None) -> None:
    """Install the process's tracer provider once; `processor` lets tests collect spans.

    With nowhere to send spans, none is recorded (sampled off): spans still carry trace
    ids, so logs and the traceparent crossing NATS still tie a request together, but no
    span's attributes, events and timings are kept only to be thrown away."""
    global _configured, _recording
    if _configured:
        return
    exporting = _recording = exporter != "none" or processor is not None
    resource = Resource.create({"service.name": service})
    provider = (TracerProvider(resource=resource) if exporting
                else TracerProvider(resource=resource, sampler=ALWAYS_OFF))
    if exporter == "console":
        provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    if processor is not None:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    # The trace context alone crosses NATS: no service sets baggage, and the default
    # composite propagator's baggage half costs every request and message a look for it.
    set_global_textmap(TraceContextTextMapPropagator())
    _configured = True


def recording() -> bool:
    """Whether spans go anywhere: without, frameworks that make spans of their own need
    not (FastAPI's server spans cost 8% of the gateway's CPU on a cheap read, sampled off)."""
    return _recording


@functools.cache
def tracer(name: str) -> trace.Tracer:
    """The tracer of a module or service, made once (the RPC layer asks on every request)."""
    return trace.get_tracer(name)


def inject_headers(headers: dict[str, str]) -> dict[str, str]:
    """Add the current trace context (traceparent) to outgoing message headers."""
    inject(headers)
    return headers


def context_from(headers: Mapping[str, str] | None) -> otel_context.Context:
    return extract(dict(headers or {}))
