#!/usr/bin/env bash
# run.sh [CASE...]: the relay suite, end to end (SPEC §5 WHIP, §7, §11).
# Debian's Chromium with a fake camera and microphone publishes over WHIP
# through the real nginx to cgi-bin/whip; ffprobe checks the local
# recording, the local HLS and what a loopback RTMP server (nginx-rtmp,
# standing in for Cloudflare and Mux) received; the ledger is read back
# through the API.  Setup is tests/relay/harness.sh; each case
# tests/relay/tNN-*.sh runs in its own bash with tests/integration/lib.sh
# and tests/relay/lib.sh sourced, printing "ok NAME" or "fail NAME" with
# the case's output indented.  Ends with the measurements (informational,
# never asserted) and "relay: N passed, N failed"; exit 1 if any failed.
#
#   KEEP=1              keep the temp dir (logs, recordings, database)
#   CASE_TIMEOUT=240    seconds a case may take (a "# timeout: S" line in
#                       a case sets its own)
#   BUILD=build         where the programs are
#   CHROMIUM=/usr/bin/chromium
#   RELAY_MEDIA_TIMEOUT=S   VIGIL_RELAY_MEDIA_TIMEOUT for the whole run
#   VERBOSE=1           print every case's output, not only failures'
#   RELAY_FORCE=1       run even before cgi-bin/whip.c exists (a harness
#                       self-check with BUILD= pointing at a stand-in whip)
#
# Before the relay exists in the tree (no cgi-bin/whip.c) the suite says
# so and runs nothing.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

if [ -z "${RELAY_FORCE:-}" ] && [ ! -f cgi-bin/whip.c ]; then
	echo "relay: no relay in this tree yet (cgi-bin/whip.c); nothing to run"
	echo "relay: 0 passed, 0 failed"
	exit 0
fi

# shellcheck source=tests/relay/harness.sh
. "$here/harness.sh"
stack=$root/tools/stack.sh
pass=0
failed=0

finish() {
	harness_teardown
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

result() {
	# result ok|fail NAME [OUTPUT-FILE]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok $2"
		[ "${VERBOSE:-0}" != 1 ] || [ -z "${3:-}" ] || [ ! -s "$3" ] ||
		    sed 's/^/    /' "$3"
	else
		failed=$((failed + 1))
		echo "fail $2"
		[ -z "${3:-}" ] || [ ! -s "$3" ] || sed 's/^/    /' "$3"
	fi
}

closing() {
	if [ -n "$tmp" ] && [ -s "$tmp/measure.txt" ]; then
		echo "relay: measurements (informational, one run, loaded 2-core box):"
		sed 's/^/    /' "$tmp/measure.txt"
	fi
	[ "${KEEP:-0}" != 1 ] || echo "relay: files kept in $tmp"
	echo "relay: $pass passed, $failed failed"
}

setup_failed() {
	echo "fail setup"
	printf '%s\n' "$*" | sed 's/^/    /'
	failed=$((failed + 1))
	closing
	exit 1
}

# Cases to run.
cases=()
if [ $# -eq 0 ]; then
	for f in "$here"/t[0-9][0-9]-*.sh; do
		[ -e "$f" ] && cases+=("$f")
	done
else
	for a in "$@"; do
		if [ -f "$a" ]; then
			cases+=("$a")
			continue
		fi
		a=${a%.sh}
		found=0
		for f in "$here/$a".sh "$here/$a"-*.sh; do
			[ -f "$f" ] && cases+=("$f") && found=1
		done
		[ $found = 1 ] || setup_failed "no case matches $a"
	done
fi

harness_setup vigil-relay || setup_failed "$HARNESS_ERROR"
echo "relay: nginx $BASE, rtmp 127.0.0.1:$RTMP_PORT, fake providers $FAKE_URL, whip pid $(awk '$1 == "whip" { print $2 }' "$RUNDIR/pids")"

restore_stack() {
	"$stack" stop "$RUNDIR" && "$stack" start "$RUNDIR"
}

for c in "${cases[@]}"; do
	name=$(basename "$c" .sh)
	out=$tmp/cases/$name.out
	rm -f "$tmp/stack-dirty"
	# A case may ask for more time with a "# timeout: SECONDS" line.
	ct=$(sed -n 's/^# timeout: \([0-9][0-9]*\)$/\1/p' "$c" | head -n 1)
	ct=${ct:-${CASE_TIMEOUT:-240}}
	# shellcheck disable=SC2016
	timeout -k 10 "$ct" \
	    bash -c 'set -euo pipefail; . "$1"; . "$2"; . "$3"' "$name" \
	    "$root/tests/integration/lib.sh" "$here/lib.sh" "$c" \
	    </dev/null >"$out" 2>&1
	rc=$?
	[ $rc != 124 ] || echo "(timed out after $ct s)" >>"$out"
	harness_kill_publishers
	if [ $rc = 0 ]; then
		result ok "$name" "$out"
	else
		result fail "$name" "$out"
	fi
	if [ -e "$tmp/stack-dirty" ]; then
		if ! restore_stack >"$tmp/restore.out" 2>&1; then
			result fail "restore-stack-after-$name" "$tmp/restore.out"
			break
		fi
	fi
done

# No program, nginx included, may have died (a worker the supervisor
# replaced after t04's kill -9 is fine: the supervisor itself lives).
if [ -f "$RUNDIR/pids" ]; then
	if "$stack" status "$RUNDIR" >"$tmp/status.out" 2>&1; then
		result ok processes-alive
	else
		grep -v ' running$' "$tmp/status.out" >"$tmp/status.gone"
		result fail processes-alive "$tmp/status.gone"
	fi
fi
# A crash report anywhere in the programs' logs (ASan, GLib criticals
# that abort) fails the run even when every case passed.
if grep -lE 'AddressSanitizer|LeakSanitizer: detected|Segmentation fault|\*\*\* stack smashing|GLib-CRITICAL|GStreamer-CRITICAL' \
    "$RUNDIR"/log/*.log >"$tmp/crash.files" 2>/dev/null; then
	for f in $(cat "$tmp/crash.files"); do
		grep -nE -m 5 'AddressSanitizer|LeakSanitizer|Segmentation fault|stack smashing|CRITICAL' "$f" |
		    sed "s|^|$(basename "$f"): |"
	done >"$tmp/crash.out"
	result fail no-crash-in-logs "$tmp/crash.out"
else
	result ok no-crash-in-logs
fi
"$stack" stop "$RUNDIR" >/dev/null 2>&1 || true

closing
[ $failed = 0 ]
