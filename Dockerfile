# Production image for Helhedsindsats: gunicorn serving Django, the same image runs the Celery
# worker and beat (see docker-compose.yml). Build: docker build -t helhedsindsats .

# --- Front-end assets: Node exists only in this stage ------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
RUN mkdir -p static/vendor/dkfds static/vendor/htmx \
    && cp -R node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts \
        node_modules/dkfds/dist/img node_modules/dkfds/dist/js static/vendor/dkfds/ \
    && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/

# --- Runtime ----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# WeasyPrint's runtime libraries (Pango, via FreeType/HarfBuzz) and fonts for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN pip install uv==0.13.8 \
    && groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, from the lock file only, so that source changes keep this layer cached.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
COPY --from=assets /build/static/vendor/ static/vendor/

# The throwaway SECRET_KEY exists only for this step: settings need one to import, and the
# real key is given at run time. STATIC_MANIFEST=true must match the run-time value.
RUN SECRET_KEY=collectstatic-build-step-only-not-used-at-run-time \
        STATIC_MANIFEST=true \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
