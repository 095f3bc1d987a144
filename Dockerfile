# The worker and the gateway (same image, different command); see compose.yaml. The gateway
# serves the web app built in the first stage.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    IB_WEB_DIST_DIR=/app/web/dist \
    IB_LOG_FORMAT=json

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml setup.py README.md ./
COPY topics ./topics
COPY analysis ./analysis
COPY schemas ./schemas
COPY streams ./streams
COPY gateway ./gateway
COPY sinks ./sinks
COPY dev ./dev
# setup.py compiles the speech metric modules with mypyc: gcc only while installing. The PDF
# exports are set in DejaVu Sans.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev fonts-dejavu-core \
    && pip install . \
    && apt-get purge -y --auto-remove gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*

COPY --from=web /web/dist ./web/dist

RUN useradd --system --create-home --home-dir /home/app app \
    && mkdir -p /data \
    && chown app:app /data
USER app

EXPOSE 8000 6066
CMD ["python", "-m", "gateway"]
