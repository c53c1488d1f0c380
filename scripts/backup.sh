#!/usr/bin/env bash
# Back up Helhedsindsats: the PostgreSQL database and the private files (PDFs, attachments).
#
#   DATABASE_URL=postgres://… PRIVATE_MEDIA_ROOT=/srv/hh/private scripts/backup.sh /backups/2026-11-23
#
# Writes database.dump (pg_dump's custom format: compressed, restorable table by table) and
# private-media.tar.gz into the folder given. Keep the folder encrypted and off the host: it
# holds the same personal data as the system. docs/operations.md describes the whole procedure.
set -euo pipefail

target="${1:?usage: scripts/backup.sh TARGET_DIR}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
mkdir -p "$target"
chmod 700 "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ -n "${PRIVATE_MEDIA_ROOT:-}" ] && [ -d "$PRIVATE_MEDIA_ROOT" ]; then
  tar -czf "$target/private-media.tar.gz" -C "$PRIVATE_MEDIA_ROOT" .
fi
echo "Backup written to $target"
