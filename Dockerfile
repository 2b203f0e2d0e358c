# The production image: one image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/var/lib/expo
WORKDIR /app
# janus-pp-rec and ffmpeg turn live-video recordings into replays (the Celery worker); a CJK
# TrueType font is embedded in certificate PDFs (names and titles in Chinese).
RUN apt-get update \
    && apt-get install -y --no-install-recommends janus-tools ffmpeg fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home /app expo && mkdir -p /var/lib/expo && chown expo /var/lib/expo
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# The translation catalogues (locale/*/LC_MESSAGES/django.po) are compiled here, not committed.
RUN DEBUG=1 python manage.py collectstatic --noinput -v0 \
    && pybabel -q compile -d locale -D django
USER expo
EXPOSE 8000
CMD ["uvicorn", "expo.asgi:application", "--host", "0.0.0.0", "--port", "8000"]
