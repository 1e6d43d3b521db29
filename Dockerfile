FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ATTUNE_VAR_DIR=/app/var
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . 2>/dev/null || true
COPY . .
RUN pip install --no-cache-dir . \
    && SECRET_KEY=build ATTUNE_NOTE_KEYS=k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ATTUNE_SEARCH_KEY=build \
       DATABASE_URL=postgres://build@localhost/build DEBUG=false python manage.py collectstatic --noinput \
    && useradd --create-home attune && mkdir -p /app/var && chown -R attune /app/var
USER attune
EXPOSE 8000
# Migrations run once per deploy, before the web processes start.
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn --config config/gunicorn.py config.wsgi:application --bind 0.0.0.0:8000"]
