"""`make bench`: our throughput next to raw baselines measured in the same run.

(a) outbox relay vs raw JetStream `publish_async`; (b) projection runner vs a raw pull
consumer; (c) the gateway's write and read paths vs a bare FastAPI app. A report, never a
test: nothing here asserts on time.
"""
