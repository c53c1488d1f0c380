#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY PostgreSQL database, then check it.
#
#   DATABASE_URL=postgres://…/helhedsindsats_restored PRIVATE_MEDIA_ROOT=/srv/hh/private \
#     scripts/restore.sh /backups/2026-11-23
#
# The database must exist and be empty (createdb …). After the restore, `migrate` applies any
# migration newer than the backup, and `check` plus the health probe prove the app runs on it.
set -euo pipefail

source_dir="${1:?usage: scripts/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must name the empty database to restore into}"
python="${PYTHON:-.venv/bin/python}"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" \
  "$source_dir/database.dump"
if [ -f "$source_dir/private-media.tar.gz" ] && [ -n "${PRIVATE_MEDIA_ROOT:-}" ]; then
  mkdir -p "$PRIVATE_MEDIA_ROOT"
  tar -xzf "$source_dir/private-media.tar.gz" -C "$PRIVATE_MEDIA_ROOT"
fi
"$python" manage.py migrate --noinput
"$python" manage.py check
"$python" manage.py shell -c "
from django.test import Client
response = Client().get('/healthz', headers={'host': 'localhost'})
assert response.status_code == 200 and response.json()['database'] == 'ok', response.content
print('Restored database answers /healthz:', response.json())
"
