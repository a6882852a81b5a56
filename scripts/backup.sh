#!/bin/sh
# Backup of Chỉ tiêu: the database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT), side by side:
#   $BACKUP_DIR/chitieu-<UTC time>.dump and $BACKUP_DIR/chitieu-<UTC time>.media.tar.gz
# Used by `make backup` and by the compose `backup` service. Prints the backup's base path on success.
set -eu
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database}"
dir="${BACKUP_DIR:-backups}"
media="${MEDIA_ROOT:-media}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
base="$dir/chitieu-$stamp"
mkdir -p "$dir" "$media"
pg_dump --format=custom --no-owner --no-privileges --file="$base.dump.partial" "$DATABASE_URL"
tar -C "$media" -czf "$base.media.tar.gz.partial" .
# Renamed only when both are complete: a half-written backup is never taken for a good one.
mv "$base.dump.partial" "$base.dump"
mv "$base.media.tar.gz.partial" "$base.media.tar.gz"
echo "$base"
