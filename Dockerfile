# Image for docker-compose.yml: web (gunicorn), Celery worker and beat, and the one-shot migrate share it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# pg_dump / pg_restore for `manage.py backup` and `restore` (same major version as the db service).
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY config config
COPY agencies agencies
COPY plans plans
COPY indicators indicators
COPY reports reports
COPY progress progress
COPY dashboards dashboards
RUN pip install --no-cache-dir .
COPY . .
# Hashed, compressed static files for WhiteNoise (the build needs no secret: DEBUG=1 only here).
RUN DEBUG=1 python manage.py collectstatic --noinput
ARG CHITIEU_VERSION=dev
ENV CHITIEU_VERSION=${CHITIEU_VERSION}
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.conf.py"]
