# Image for docker-compose.yml: the web process (gunicorn) and the Celery worker share it.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
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
RUN DEBUG=1 python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
