# The images of a deployment: `app` for every PeerPrep process but the executors (`peerprep web`,
# `peerprep worker` and the one-shot `peerprep migrate`; docker-compose.yml picks the command),
# and `executor`, the same with the toolchains and the sandbox that students' code runs in.
# See README.md, "Deploying".

# --- The browser client: bundled with esbuild, then only its dist/ is kept. ---
FROM node:22-bookworm-slim AS client
WORKDIR /client
# The lockfile alone decides the packages, so this layer is reused until it changes.
COPY client/package.json client/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY client/build.mjs ./
COPY client/src ./src
RUN node build.mjs --force

# --- The Python application. ---
FROM python:3.11-slim-bookworm AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, read from pyproject.toml, so that a code change does not reinstall them.
# Every one of them ships manylinux wheels: no compiler is needed in the image.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md settings.py ./
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY orchestration ./orchestration
COPY observability ./observability
COPY web ./web
COPY storage ./storage
COPY documents ./documents
COPY execution ./execution
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 peerprep \
    && mkdir /data \
    && chown peerprep /data

COPY --from=client /client/dist /app/client

USER peerprep
# Nothing of value is kept in /data in a deployment (documents live in PostgreSQL with
# PEERPREP_DOCUMENT_STORE=sql): it only has to be writable.
ENV PEERPREP_DATA_DIR=/data \
    PEERPREP_HOST=0.0.0.0 \
    PEERPREP_PORT=8000 \
    PEERPREP_CLIENT_DIR=/app/client
EXPOSE 8000
CMD ["peerprep", "web"]

# --- The executor: students' code, compiled and run in bubblewrap sandboxes. ---
# It runs as root, in a container allowed to make namespaces and control groups (see
# docker-compose.yml): inside, each run drops to an unprivileged uid of its own, without
# capabilities, network or the container's files (docs/execution.md).
FROM app AS executor
USER root
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        bubblewrap python3 gcc g++ libc6-dev openjdk-17-jdk-headless nodejs \
    && rm -rf /var/lib/apt/lists/*
CMD ["peerprep", "executor"]
