# The REST API (and the one-shot corpus loader) for docker-compose.yml.
# kg/settings.py finds ontology/, queries/ and data/ beside the kg package, so
# the project is installed editable from /app and those folders are copied there.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    KG_API_HOST=0.0.0.0 \
    KG_API_PORT=8000

RUN useradd --create-home --uid 10001 --user-group --shell /usr/sbin/nologin kg
WORKDIR /app

# Dependencies exactly as pyproject.toml declares them, in their own layer
# (rebuilt only when pyproject.toml changes).
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY kg ./kg
COPY loaders ./loaders
COPY ontology ./ontology
COPY queries ./queries
COPY data ./data
RUN pip install --no-deps -e . && kg --help >/dev/null

USER kg
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["kg", "serve", "--host", "0.0.0.0", "--port", "8000"]
