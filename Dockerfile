# syntax=docker/dockerfile:1
# One image for every process of the platform: each Deployment chooses its command
# (`python -m gateway`, `python -m feed.worker`, ...; deploy/k8s/generate.py).
#
# build: the pinned dependencies (requirements.lock, as constraints: the runtime
# dependencies at the lock's versions, none of the dev tools) and the platform's own
# packages, into a virtual environment. Compilers are here only, should a wheel be missing.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# The compiler is the base image's Debian release's, in this stage only.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.lock pyproject.toml ./
COPY kit kit
COPY contracts contracts
COPY stack stack
COPY bench bench
COPY services services
RUN pip install --constraint requirements.lock . \
 && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} + \
 && python -m compileall -q /opt/venv/lib

# runtime: the slim base, the environment built above, a user of its own; no compiler,
# no source tree, nothing writable but /tmp (an emptyDir in Kubernetes).
FROM python:3.11-slim AS runtime
LABEL org.opencontainers.image.title="patients-union" \
      org.opencontainers.image.description="The Patients' Union platform: every service's process"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /tmp
USER 10001:10001
# The gateway unless the Deployment says otherwise.
CMD ["python", "-m", "gateway"]
