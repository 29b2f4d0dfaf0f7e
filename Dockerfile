# wiretrace: the lookup API and the scheduler (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# dependencies first, pinned by the lock file, so that code changes reuse this layer
COPY requirements.lock ./
RUN pip install --no-deps -r requirements.lock

COPY pyproject.toml README.md scrapy.cfg ./
COPY dedup ./dedup
COPY crawler ./crawler
COPY wiretrace ./wiretrace
COPY examples ./examples
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 wiretrace
USER wiretrace
ENV WIRETRACE_DATA_DIR=/home/wiretrace/data
EXPOSE 8000
CMD ["wiretrace", "serve", "--host", "0.0.0.0", "--port", "8000"]
