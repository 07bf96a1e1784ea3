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
tmp=""
HARNESS_ERROR=""
# shellcheck source=tests/testenv.sh
. "$harness_root/tests/testenv.sh"

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
	local prefix=${1:-vigil-relay}
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
	testenv_fake_start "$tmp" --log "$tmp/fake.jsonl" \
	    --state-dir "$tmp/fake-state" || harness_fail "$TESTENV_ERROR" ||
	    return 1
	curl -sS -f --max-time 10 -o /dev/null -H 'Content-Type: application/json' \
	    --data-binary "{\"rtmpsUrl\":\"rtmp://127.0.0.1:$RTMP_PORT/live/\",\"muxRtmpsUrl\":\"rtmp://127.0.0.1:$RTMP_PORT/app\"}" \
	    "$FAKE_URL/_fake/config" 2>"$tmp/log/fake-config.err" ||
	    harness_fail "POST /_fake/config: $(cat "$tmp/log/fake-config.err")" ||
	    return 1

	# A fresh database and the test configuration.
	testenv_config "$tmp" "rtmp://127.0.0.1:$RTMP_PORT/app" ||
	    harness_fail "$TESTENV_ERROR" || return 1
	export NGINX_CREATE_RATE=1000r/s NGINX_CREATE_BURST=1000
	export NGINX_WEBHOOK_RATE=1000r/s NGINX_WEBHOOK_BURST=1000
	# Relay settings a caller gave (RELAY_MEDIA_TIMEOUT=...), else the
	# product's defaults.
	[ -z "${RELAY_MEDIA_TIMEOUT:-}" ] ||
	    export VIGIL_RELAY_MEDIA_TIMEOUT=$RELAY_MEDIA_TIMEOUT

	testenv_stack_start "$RUNDIR" "$tmp/log/stack.err" ||
	    harness_fail "$TESTENV_ERROR" || return 1
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
	testenv_fake_stop
	if [ -n "$tmp" ] && [ "${KEEP:-0}" != 1 ]; then
		rm -rf "$tmp"
		tmp=""
	fi
}
