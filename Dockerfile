# One image for both `peerprep web` and `peerprep worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md settings.py ./
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY web ./web
COPY storage ./storage
RUN pip install . && useradd --create-home --uid 10001 peerprep && mkdir /data && chown peerprep /data

USER peerprep
ENV PEERPREP_DATA_DIR=/data PEERPREP_HOST=0.0.0.0 PEERPREP_PORT=8000
EXPOSE 8000
CMD ["peerprep", "web"]
