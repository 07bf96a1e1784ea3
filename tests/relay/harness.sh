# shellcheck shell=bash
# harness.sh: setup and teardown shared by tests/relay/run.sh (the suite)
# and tests/relay/bench.sh, sourced by them (bash, not set -e).  Starts,
# all on loopback in one temp dir: the fake providers, the RTMP server
# (rtmp.sh: application "live" stands in for Cloudflare, "app" for Mux),
# a fresh database and the whole stack (tools/stack.sh) with the relay.
#
# Exports for the cases (tests/relay/lib.sh documents the helpers):
#   BASE, FAKE_URL, IT_ROOT, IT_TMP, RUNDIR, VIGIL_CLI, VIGIL_DB,
#   VIGIL_MEDIA_DIR and the provider settings, as the integration suite
#   does (tests/integration/lib.sh works unchanged), plus
#   RTMP_DIR, RTMP_PORT   the RTMP server; recordings in RTMP_DIR/rec/APP/
#   MUX_RTMPS_URL         rtmp://127.0.0.1:RTMP_PORT/app
#   and the fake's Cloudflare rtmpsUrl is rtmp://127.0.0.1:RTMP_PORT/live/
#
# Functions: harness_setup PREFIX (sets $tmp; 1 with $HARNESS_ERROR on
# failure), harness_teardown (idempotent; kills every Chromium a
# publisher left, see VIGIL_PUBLISH_PIDS).

harness_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
harness_stack=$harness_root/tools/stack.sh
fake_pid=""
tmp=""
HARNESS_ERROR=""

# A free loopback TCP port (another process may still take it first).
harness_free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 40000))
		[ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ] && echo "$p" &&
		    return 0
	done
	return 1
}

harness_fail() {
	HARNESS_ERROR=$*
	return 1
}

# What the suite needs besides the build, with the package to install.
harness_check_tools() {
	local t
	command -v nginx >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	for t in curl:curl jq:jq sqlite3:sqlite3 nginx:nginx ffprobe:ffmpeg \
	    ffmpeg:ffmpeg node:nodejs ss:iproute2; do
		command -v "${t%%:*}" >/dev/null 2>&1 ||
		    harness_fail "${t%%:*} is missing (package ${t#*:}): run tools/deps.sh test" ||
		    return 1
	done
	[ -x "${CHROMIUM:-/usr/bin/chromium}" ] ||
	    harness_fail "chromium is missing: run tools/deps.sh test" || return 1
	[ -d "$harness_root/tests/node_modules/playwright-core" ] ||
	    harness_fail "playwright-core is missing: run tools/deps.sh test (npm ci in tests/)" ||
	    return 1
	dpkg -L libnginx-mod-rtmp >/dev/null 2>&1 ||
	    [ -r /usr/lib/nginx/modules/ngx_rtmp_module.so ] ||
	    harness_fail "libnginx-mod-rtmp is missing: run tools/deps.sh test" ||
	    return 1
}

harness_setup() {
	local prefix=${1:-vigil-relay} port started
	cd "$harness_root" || return 1
	# Only the test configuration reaches the programs.
	for v in $(compgen -v | grep -E '^(VIGIL_|JWT_|CLOUDFLARE_|MUX_)'); do
		unset "$v"
	done
	unset SESSION_COOKIE
	export BUILD=${BUILD:-build}
	case $BUILD in /*) build=$BUILD ;; *) build=$harness_root/$BUILD ;; esac
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$prefix.XXXXXX")
	mkdir -p "$tmp/log" "$tmp/cases"
	export IT_ROOT=$harness_root IT_TMP=$tmp RUNDIR=$tmp/run
	export VIGIL_PUBLISH_PIDS=$tmp/publish.pids
	: >"$VIGIL_PUBLISH_PIDS"
	harness_check_tools || return 1
	[ -x "$build/cgi-bin/whip" ] ||
	    harness_fail "$BUILD/cgi-bin/whip is not built: run make" || return 1
	export VIGIL_CLI=$build/vigil

	# The RTMP server.
	export RTMP_DIR=$tmp/rtmp
	RTMP_PORT=$("$harness_root/tests/relay/rtmp.sh" start "$RTMP_DIR" \
	    2>"$tmp/log/rtmp.err") ||
	    harness_fail "RTMP server: $(cat "$tmp/log/rtmp.err")" || return 1
	export RTMP_PORT

	# The fake providers, on a port of their own choosing, handing out
	# the RTMP server as Cloudflare's RTMPS ingest.
	node tests/fake/fake-providers.mjs --port 0 --log "$tmp/fake.jsonl" \
	    --state-dir "$tmp/fake-state" </dev/null >"$tmp/log/fake.log" 2>&1 &
	fake_pid=$!
	port=""
	for _ in $(seq 100); do
		port=$(sed -n 's/^fake-providers listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
		    "$tmp/log/fake.log")
		[ -z "$port" ] || break
		kill -0 "$fake_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] ||
	    harness_fail "fake providers did not start: $(tail -n 5 "$tmp/log/fake.log")" ||
	    return 1
	export FAKE_URL=http://127.0.0.1:$port
	curl -sS -f --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
	    --data-binary "{\"rtmpsUrl\":\"rtmp://127.0.0.1:$RTMP_PORT/live/\",\"muxRtmpsUrl\":\"rtmp://127.0.0.1:$RTMP_PORT/app\"}" \
	    "$FAKE_URL/_fake/config" 2>"$tmp/log/fake-config.err" ||
	    harness_fail "POST /_fake/config: $(cat "$tmp/log/fake-config.err")" ||
	    return 1

	# A fresh database and the test configuration.
	export VIGIL_DB=$tmp/vigil.db
	export VIGIL_MEDIA_DIR=$tmp/media
	tools/migrate.sh "$VIGIL_DB" >"$tmp/log/migrate.log" 2>&1 ||
	    harness_fail "migrate failed: $(cat "$tmp/log/migrate.log")" ||
	    return 1
	(umask 077 && head -c 48 /dev/urandom | base64 -w0 >"$tmp/jwt.secret")
	export JWT_SECRET_FILE=$tmp/jwt.secret
	export MUX_WEBHOOK_SECRET=test-mux-webhook-secret
	export CLOUDFLARE_WEBHOOK_SECRET=test-cf-webhook-secret
	export CLOUDFLARE_NOTIFICATION_SECRET=test-cf-notification-secret
	export MUX_RTMPS_URL=rtmp://127.0.0.1:$RTMP_PORT/app
	export CLOUDFLARE_API_BASE=$FAKE_URL/client/v4
	export CLOUDFLARE_ACCOUNT_ID=023e105f4ecef8ad9ca31a8372d0c353
	export CLOUDFLARE_API_TOKEN=test-cf-token
	export MUX_API_BASE=$FAKE_URL
	export MUX_TOKEN_ID=test-mux-id
	export MUX_TOKEN_SECRET=test-mux-secret
	export NGINX_CREATE_RATE=1000r/s NGINX_CREATE_BURST=1000
	export NGINX_WEBHOOK_RATE=1000r/s NGINX_WEBHOOK_BURST=1000
	# Relay settings a caller gave (RELAY_MEDIA_TIMEOUT=...), else the
	# product's defaults.
	[ -z "${RELAY_MEDIA_TIMEOUT:-}" ] ||
	    export VIGIL_RELAY_MEDIA_TIMEOUT=$RELAY_MEDIA_TIMEOUT

	started=0
	for _ in 1 2 3; do
		PORT=$(harness_free_port) || harness_fail "no free port" || return 1
		export PORT
		export VIGIL_PUBLIC_URL=http://127.0.0.1:$PORT
		export BASE=$VIGIL_PUBLIC_URL
		if "$harness_stack" start "$RUNDIR" 2>"$tmp/log/stack.err"; then
			started=1
			break
		fi
		grep -q 'in use' "$tmp/log/stack.err" || break
	done
	[ $started = 1 ] || harness_fail "$(cat "$tmp/log/stack.err")" ||
	    return 1
	grep -q '^whip ' "$RUNDIR/pids" ||
	    harness_fail "the stack started without whip" || return 1
	return 0
}

# Kill the Chromium process groups publishers recorded and left behind
# (a publisher killed with SIGKILL cannot clean up after itself).
harness_kill_publishers() {
	local pid exe
	[ -s "${VIGIL_PUBLISH_PIDS:-/nonexistent}" ] || return 0
	while read -r pid; do
		case $pid in ''|*[!0-9]*) continue ;; esac
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
		case $exe in *chrom*) kill -KILL -- "-$pid" 2>/dev/null || true ;; esac
	done <"$VIGIL_PUBLISH_PIDS"
}

harness_teardown() {
	harness_kill_publishers
	[ -z "${RUNDIR:-}" ] || "$harness_stack" stop "$RUNDIR" >/dev/null 2>&1 || true
	[ -z "${RTMP_DIR:-}" ] ||
	    "$harness_root/tests/relay/rtmp.sh" stop "$RTMP_DIR" 2>/dev/null || true
	if [ -n "$fake_pid" ]; then
		kill -TERM "$fake_pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$fake_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$fake_pid" 2>/dev/null || true
		wait "$fake_pid" 2>/dev/null || true
		fake_pid=""
	fi
	if [ -n "$tmp" ] && [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$tmp"
		tmp=""
	fi
}
