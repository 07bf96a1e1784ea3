#!/bin/sh
# migrate.sh DB: apply sql/NNN_*.sql files numbered above the database's
# PRAGMA user_version, each in one transaction, in order.  Forward only.
set -eu
db=${1:?usage: migrate.sh DB}
here=$(cd "$(dirname "$0")" && pwd)
sqldir=${VIGIL_SQL_DIR:-$here/../sql}
[ -d "$sqldir" ] || sqldir=$here/sql
mkdir -p "$(dirname "$db")"
sqlite3 "$db" 'PRAGMA journal_mode=WAL;' >/dev/null
cur=$(sqlite3 "$db" 'PRAGMA user_version;')
for f in "$sqldir"/[0-9][0-9][0-9]_*.sql; do
	n=$(basename "$f" | sed 's/_.*//; s/^0*//')
	[ "$n" -gt "$cur" ] || continue
	{ echo 'BEGIN IMMEDIATE;'; cat "$f"; echo 'COMMIT;'; } |
	    sqlite3 -bail "$db" >/dev/null
	echo "migrate: applied $(basename "$f")"
done
