#!/usr/bin/env bash
# run.sh: the whole product on loopback, in the foreground (make run).
#
# Creates or migrates var/vigil.db, makes a session secret on first run
# (var/jwt.secret) unless one is configured, starts every built FastCGI
# program and nginx on 127.0.0.1:${PORT:-8080} (tools/stack.sh), adds a
# demo memorial owned by "admin", prints a sign-in link, and waits.
# Ctrl-C (or TERM) stops everything it started.
#
# Configuration is SPEC §9's: the environment, or an env file named by
# VIGIL_CONFIG.  With no provider credentials, streams are local only.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"

# The programs run from the repository root; make the defaults absolute
# anyway so the printed paths and nginx agree.
abs() {
	case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$root/$1" ;; esac
}

BUILD=${BUILD:-build}
export BUILD
cli=$(abs "$BUILD")/vigil
rundir=$root/var/run
export PORT=${PORT:-8080}
export VIGIL_PUBLIC_URL=${VIGIL_PUBLIC_URL:-http://127.0.0.1:$PORT}

# A setting from the environment or, failing that, from VIGIL_CONFIG.
setting() {
	local v=${!1-}
	if [ -z "$v" ] && [ -n "${VIGIL_CONFIG:-}" ] && [ -r "$VIGIL_CONFIG" ]; then
		v=$(sed -n "s/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}$1=//p" \
		    "$VIGIL_CONFIG" | tail -n 1)
		v=${v#[\"\']}
		v=${v%[\"\']}
	fi
	printf '%s' "$v"
}

db=$(setting VIGIL_DB)
media=$(setting VIGIL_MEDIA_DIR)
VIGIL_DB=$(abs "${db:-var/vigil.db}")
VIGIL_MEDIA_DIR=$(abs "${media:-var/media}")
export VIGIL_DB VIGIL_MEDIA_DIR
mkdir -p "$root/var" "$VIGIL_MEDIA_DIR"

[ -x "$cli" ] || { echo "run: $cli is missing: run make" >&2; exit 1; }
"$here/migrate.sh" "$VIGIL_DB"

# A session secret of our own unless one is configured.
generated_secret=""
if [ -z "$(setting JWT_SECRET)" ] && [ -z "$(setting JWT_SECRET_FILE)" ] &&
    [ -z "$(setting JWT_PUBLIC_KEY_FILE)" ]; then
	secret=$root/var/jwt.secret
	if [ ! -s "$secret" ]; then
		(umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$secret")
	fi
	chmod 0600 "$secret"
	export JWT_SECRET_FILE=$secret
	generated_secret=$secret
fi

stopping=0
stop() {
	[ $stopping = 0 ] || return 0
	stopping=1
	trap - INT TERM EXIT
	echo
	echo "run: stopping"
	"$here/stack.sh" stop "$rundir" || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT

"$here/stack.sh" start "$rundir"

# The demo memorial; "exists" on later runs is fine.
if ! out=$("$cli" memorial add --id demo --title "Demo memorial" \
    --owner admin 2>&1); then
	case $out in
	*xist*) ;;
	*) echo "run: could not add the demo memorial: $out" >&2 ;;
	esac
fi

configured() {
	local v
	for v in "$@"; do
		[ -n "$(setting "$v")" ] || return 1
	done
}
providers=""
configured CLOUDFLARE_ACCOUNT_ID CLOUDFLARE_API_TOKEN &&
    providers="$providers Cloudflare"
configured MUX_TOKEN_ID MUX_TOKEN_SECRET && providers="$providers Mux"
webhooks=""
configured MUX_WEBHOOK_SECRET && webhooks="$webhooks Mux"
configured CLOUDFLARE_WEBHOOK_SECRET && webhooks="$webhooks Cloudflare-video"
configured CLOUDFLARE_NOTIFICATION_SECRET &&
    webhooks="$webhooks Cloudflare-notifications"
running=$(awk '$1 != "nginx" { printf " %s", $1 }' "$rundir/pids")

link=$("$cli" login-link --sub admin --role admin 2>&1) ||
    link="(vigil login-link failed: $link)"
envprefix=""
[ -z "${VIGIL_CONFIG:-}" ] || envprefix="VIGIL_CONFIG=$VIGIL_CONFIG "
[ -z "$generated_secret" ] ||
    envprefix="${envprefix}JWT_SECRET_FILE=${generated_secret#"$root"/} "

cat <<EOF

Vigil is running at http://127.0.0.1:$PORT/  (public URL $VIGIL_PUBLIC_URL)

  Sign in as the local admin (one-time link, expires soon):
    $link

  Or with curl:
    curl -H "Authorization: Bearer \$(${envprefix}$BUILD/vigil token --sub admin --role admin)" \\
        '$VIGIL_PUBLIC_URL/api/streams?memorialId=demo'

  Providers:  ${providers:- none (local recording and local HLS only)}
  Webhooks:   ${webhooks:- none}
  Programs:   ${running:- none built yet}
  Database:   ${VIGIL_DB#"$root"/}    Logs: ${rundir#"$root"/}/log/

Press Ctrl-C to stop.
EOF

# Stay in the foreground; leave when nginx goes.  A FastCGI program that
# exits is reported once.
reported=" "
while :; do
	sleep 1 &
	wait $! || true
	status=$("$here/stack.sh" status "$rundir" 2>/dev/null) || true
	while read -r name _ state; do
		[ "$state" = gone ] || continue
		if [ "$name" = nginx ]; then
			echo "run: nginx exited; see ${rundir#"$root"/}/log/" >&2
			exit 1
		fi
		case $reported in *" $name "*) continue ;; esac
		reported="$reported$name "
		echo "run: $name exited; see ${rundir#"$root"/}/log/$name.log" >&2
	done <<EOF
$status
EOF
done
