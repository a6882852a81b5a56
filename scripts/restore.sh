#!/bin/sh
# Restore a backup made by scripts/backup.sh: `scripts/restore.sh BASE` with BASE the path it printed
# (…/chitieu-<UTC time>, without extension). Replaces the database's objects (pg_restore --clean, in one
# transaction: all or nothing) and unpacks the uploaded files into MEDIA_ROOT. Stop web, worker and beat first.
set -eu
base="${1:?usage: restore.sh BACKUP_BASE (the path backup.sh printed)}"
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database to restore into}"
media="${MEDIA_ROOT:-media}"
for file in "$base.dump" "$base.media.tar.gz"; do
  [ -f "$file" ] || { echo "restore: $file not found" >&2; exit 1; }
done
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$base.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$base.media.tar.gz"
echo "restored $base"
