# The worker and the gateway (same image, different command); see compose.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY topics ./topics
COPY schemas ./schemas
COPY streams ./streams
COPY gateway ./gateway
COPY sinks ./sinks
COPY dev ./dev
RUN pip install .

RUN useradd --system --create-home --home-dir /home/app app \
    && mkdir -p /data \
    && chown app:app /data
USER app

EXPOSE 8000 6066
CMD ["python", "-m", "gateway"]
