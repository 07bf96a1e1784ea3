# shellcheck shell=bash
# testenv.sh: standing up the product on loopback for a test run, shared
# by tests/integration/run.sh, tests/relay/harness.sh and bench/run.sh,
# sourced by them (bash, not set -e).  Each function returns 1 with the
# reason in $TESTENV_ERROR when it fails.
#
#   testenv_fake_start DIR [ARG...]  the fake providers (tests/fake/) on a
#       port of their own choosing, logging to DIR/log/fake.log, with
#       ARGs (--log FILE, --state-dir DIR); sets FAKE_URL, testenv_fake_pid
#   testenv_fake_stop                TERM, then KILL after 5 s; idempotent
#   testenv_config DIR MUX_RTMPS     a fresh database DIR/vigil.db, a JWT
#       secret, webhook secrets and, when FAKE_URL is set, the providers
#       pointed at it: all exported as the programs read them
#   testenv_free_port                a free loopback TCP port, printed
#   testenv_stack_start RUNDIR ERR   tools/stack.sh start on a free port
#       (another process may take it first: three tries); sets PORT,
#       VIGIL_PUBLIC_URL and BASE; stack.sh's stderr in ERR

testenv_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
testenv_fake_pid=""
TESTENV_ERROR=""

testenv_fail() {
	TESTENV_ERROR=$*
	return 1
}

testenv_fake_start() {
	local dir=$1 port=""
	shift
	node "$testenv_root/tests/fake/fake-providers.mjs" --port 0 "$@" \
	    </dev/null >"$dir/log/fake.log" 2>&1 &
	testenv_fake_pid=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/^fake-providers listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
		    "$dir/log/fake.log")
		[ -z "$port" ] || break
		kill -0 "$testenv_fake_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] ||
	    testenv_fail "fake providers did not start: $(tail -n 5 "$dir/log/fake.log")" ||
	    return 1
	export FAKE_URL=http://127.0.0.1:$port
}

testenv_fake_stop() {
	[ -n "$testenv_fake_pid" ] || return 0
	kill -TERM "$testenv_fake_pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$testenv_fake_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$testenv_fake_pid" 2>/dev/null || true
	wait "$testenv_fake_pid" 2>/dev/null || true
	testenv_fake_pid=""
}

testenv_config() {
	local dir=$1
	export VIGIL_DB=$dir/vigil.db
	export VIGIL_MEDIA_DIR=$dir/media
	"$testenv_root/tools/migrate.sh" "$VIGIL_DB" >"$dir/log/migrate.log" 2>&1 ||
	    testenv_fail "migrate failed: $(cat "$dir/log/migrate.log")" ||
	    return 1
	(umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$dir/jwt.secret")
	export JWT_SECRET_FILE=$dir/jwt.secret
	export MUX_WEBHOOK_SECRET=test-mux-webhook-secret
	export CLOUDFLARE_WEBHOOK_SECRET=test-cf-webhook-secret
	export CLOUDFLARE_NOTIFICATION_SECRET=test-cf-notification-secret
	export MUX_RTMPS_URL=$2
	[ -n "${FAKE_URL:-}" ] || return 0
	export CLOUDFLARE_API_BASE=$FAKE_URL/client/v4
	export CLOUDFLARE_ACCOUNT_ID=023e105f4ecef8ad9ca31a8372d0c353
	export CLOUDFLARE_API_TOKEN=test-cf-token
	export MUX_API_BASE=$FAKE_URL
	export MUX_TOKEN_ID=test-mux-id
	export MUX_TOKEN_SECRET=test-mux-secret
}

testenv_free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && echo "$p" &&
		    return 0
	done
	return 1
}

testenv_stack_start() {
	local rundir=$1 err=$2
	for _ in 1 2 3; do
		PORT=$(testenv_free_port) ||
		    testenv_fail "no free port found" || return 1
		export PORT
		export VIGIL_PUBLIC_URL=http://127.0.0.1:$PORT
		export BASE=$VIGIL_PUBLIC_URL
		"$testenv_root/tools/stack.sh" start "$rundir" 2>"$err" &&
		    return 0
		grep -q 'in use' "$err" || break
	done
	testenv_fail "$(cat "$err")"
}
