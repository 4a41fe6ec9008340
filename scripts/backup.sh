#!/usr/bin/env bash
# Nightly backup of CPIMS: the PostgreSQL database (pg_dump, custom format) and the private files,
# into $BACKUP_DIR, with a SHA-256 list; copies older than $KEEP_DAYS days are removed.
# Encrypt and copy the folder off the machine afterwards (docs/operator-guide.md §10).
#   DATABASE_URL=postgres://… BACKUP_DIR=/backup [MEDIA_DIR=/var/lib/cpims/media] [KEEP_DAYS=30] scripts/backup.sh
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL (postgres://…)}"
: "${BACKUP_DIR:?set BACKUP_DIR}"
KEEP_DAYS="${KEEP_DAYS:-30}"
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$BACKUP_DIR"
umask 077  # children's data: readable by the backup user only
dump="$BACKUP_DIR/cpims-$stamp.dump"
pg_dump --format=custom --no-owner --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"  # a dump that was cut short never looks complete
files=("$dump")
if [ -n "${MEDIA_DIR:-}" ] && [ -d "$MEDIA_DIR" ]; then
  tar -C "$MEDIA_DIR" -czf "$BACKUP_DIR/cpims-media-$stamp.tar.gz" .
  files+=("$BACKUP_DIR/cpims-media-$stamp.tar.gz")
fi
(cd "$BACKUP_DIR" && sha256sum "${files[@]##*/}" > "cpims-$stamp.sha256")
find "$BACKUP_DIR" -maxdepth 1 -name 'cpims-*' -type f -mtime "+$KEEP_DAYS" -delete
echo "$dump"
