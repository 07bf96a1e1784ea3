#!/usr/bin/env bash
# run.sh: make valgrind.  Each FastCGI program of BUILD (the normal
# build) serves 10,000 requests of every kind it answers, twice, behind
# the real nginx: the integration suite's stack (tests/integration/run.sh:
# fresh database, the fake providers, tools/stack.sh) runs one case,
# tests/valgrind/load-case.sh, in which each program in turn gets its
# load (tests/valgrind/load.mjs: every request kind, good and bad, each
# answer's status checked), then whip 300 refusals (401/404/405/406/415/
# 400, no media: GStreamer under valgrind is too slow for sessions;
# tests/relay t07 covers those under ASan).
#
#   1. native    the programs as built: the VmRSS of each worker after
#                the 10,000th request may exceed that after the 3,000th
#                by at most VG_RSS_TOLERANCE_KB (1024)
#   2. memcheck  every program under valgrind's memcheck (STACK_WRAP);
#                after the load the stack is stopped cleanly (SIGTERM:
#                each worker leaves its accept loop, runs worker_fini and
#                exits), and each process's log (supervisors and workers)
#                must end with "ERROR SUMMARY: 0 errors" and nothing
#                definitely or indirectly lost (--errors-for-leak-kinds=
#                definite,indirect makes those leaks errors).  The RSS is
#                shown, not judged: memcheck's own bookkeeping (the queue
#                of freed blocks it keeps out of reuse, its records of
#                allocation stacks) grows it for thousands of requests.
#
# Third-party leaks: tests/valgrind/vigil.supp (each entry names the
# library; none names our code).
#
# Ends with "valgrind: N passed, N failed": each pass's integration lines
# (the load case, processes-alive, contract-validate) and one line per
# valgrind log; exit 1 if any failed.
#
#   VG_REQUESTS=10000 VG_CHECKPOINT=3000 VG_RSS_TOLERANCE_KB=1024
#   VG_WHIP_REQUESTS=300 VG_PROGRAMS="create-whip streams ..."
#   VG_PASSES="native memcheck"   VG_EXTRA="--track-origins=yes ..."
#   VGLOG=BUILD/valgrind  where the logs go (emptied first); KEEP=1 keeps
#                         them and the integration temp dirs (under
#                         TMPDIR: socket paths must stay short)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

export BUILD=${BUILD:-build}
case $BUILD in /*) build=$BUILD ;; *) build=$root/$BUILD ;; esac
logs=${VGLOG:-$build/valgrind}

pass=0
failed=0
ok() {
	pass=$((pass + 1))
	echo "ok $1"
}
bad() {
	failed=$((failed + 1))
	echo "fail $1"
	[ -z "${2:-}" ] || [ ! -s "$2" ] || head -n 80 "$2" | sed 's/^/    /'
}
closing() {
	if [ "${KEEP:-0}" = 1 ]; then
		echo "valgrind: logs kept in $logs"
	else
		rm -rf "$logs"
	fi
	echo "valgrind: $pass passed, $failed failed"
	[ $failed = 0 ]
	exit
}

command -v valgrind >/dev/null 2>&1 || {
	bad "setup: valgrind is missing: run tools/deps.sh test"
	closing
}
for p in create-whip streams memorials session webhook-mux \
    webhook-stream-status whip; do
	[ -x "$build/cgi-bin/$p" ] ||
	    { bad "setup: $build/cgi-bin/$p is not built"; closing; }
done
rm -rf "$logs"
mkdir -p "$logs"

# G_SLICE: GLib's slice allocator would hide frees.  GST_REGISTRY_FORK=no:
# GStreamer scans its plugins in whip itself, not in a forked and exec'd
# scanner, so every process valgrind starts is one of ours and must end
# with a summary.  nginx's rate limits never cap the load (as make bench).
export G_SLICE=always-malloc GST_REGISTRY_FORK=no
export NGINX_CREATE_RATE=100000r/s NGINX_CREATE_BURST=100000
export NGINX_WEBHOOK_RATE=100000r/s NGINX_WEBHOOK_BURST=100000
# Slow starts and stops under valgrind (whip loads GStreamer's plugins
# and makes its DTLS key: ~11 s on an idle box); the load is one case.
export STACK_TIMEOUT=${STACK_TIMEOUT:-120}
export STOP_TIMEOUT=${STOP_TIMEOUT:-60}
export CASE_TIMEOUT=${CASE_TIMEOUT:-3600}

# load PASS: the integration stack with the load case; its result lines
# prefixed with PASS, its counts added to ours.
load() {
	local name=$1 dir=$logs/$1 rc p f t0=$SECONDS tmp
	mkdir -p "$dir"
	# Not under $logs: a unix socket's path must stay under 100 bytes
	# (lib/http.c), wherever the repository is cloned.
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-vg.XXXXXX")
	VG_OUT=$dir/load.jsonl TMPDIR=$tmp KEEP=1 \
	    tests/integration/run.sh "$here/load-case.sh" >"$dir/integration.out" 2>&1
	rc=$?
	sed -nE "s/^(ok|fail) /\\1 $name-/p; /^    /p" "$dir/integration.out"
	p=$(sed -nE 's/^integration: ([0-9]+) passed, ([0-9]+) failed$/\1/p' "$dir/integration.out")
	f=$(sed -nE 's/^integration: ([0-9]+) passed, ([0-9]+) failed$/\2/p' "$dir/integration.out")
	pass=$((pass + ${p:-0}))
	failed=$((failed + ${f:-0}))
	[ "$rc" = 0 ] || [ "${f:-0}" != 0 ] ||
	    bad "$name: tests/integration/run.sh exited with status $rc" "$dir/integration.out"
	# What the load measured, one line per program and per worker.
	[ ! -s "$dir/load.jsonl" ] || jq -r --arg n "$name" '"valgrind: \($n) \(.program): \(.answered) answered (\(.other) setup, \(.cached) from nginx'"'"'s cache) in \(.seconds) s, statuses \(.statuses | tostring), unexpected \(.unexpected)"' \
	    "$dir/load.jsonl" 2>/dev/null
	grep -hE '^[a-z-]+ worker [0-9]+: VmRSS' "$tmp"/vigil-it.*/cases/*.out \
	    2>/dev/null | sed "s/^/valgrind: $name /"
	echo "valgrind: $name pass took $((SECONDS - t0)) s"
	if [ "${KEEP:-0}" = 1 ]; then
		echo "valgrind: $name: the integration's files kept in $tmp"
	else
		rm -rf "$tmp"
	fi
}

for passname in ${VG_PASSES:-native memcheck}; do
	case $passname in
	native)
		STACK_WRAP="" VG_RSS_JUDGE=1 load native
		;;
	memcheck)
		mkdir -p "$logs/vg"
		# --child-silent-after-fork=no: the workers are forked, and
		# their leaks are the point.
		STACK_WRAP="valgrind --tool=memcheck --leak-check=full
		    --show-leak-kinds=definite,indirect
		    --errors-for-leak-kinds=definite,indirect
		    --error-exitcode=99 --num-callers=40
		    --child-silent-after-fork=no
		    --suppressions=$here/vigil.supp
		    --log-file=$logs/vg/vg.%p ${VG_EXTRA:-}" \
		    VG_RSS_JUDGE=0 load memcheck
		# Each log: which program its header names.
		nlogs=0
		for f in "$logs"/vg/vg.*; do
			[ -f "$f" ] || continue
			nlogs=$((nlogs + 1))
			prog=$(sed -nE 's,^==[0-9]+== Command: [^ ]*/cgi-bin/([a-z-]+) .*,\1,p' "$f" | head -n 1)
			name="memcheck-${prog:-?}-${f##*.}"
			# A process killed (SIGKILL after the stop's bound)
			# ends its log without a summary.
			if ! grep -q 'ERROR SUMMARY:' "$f"; then
				bad "$name: no ERROR SUMMARY (killed before it could exit?)" "$f"
				continue
			fi
			errs=$(sed -nE 's/.*ERROR SUMMARY: ([0-9,]+) errors.*/\1/p' "$f" | tail -n 1 | tr -d ,)
			dl=$(sed -nE 's/.*definitely lost: ([0-9,]+) bytes.*/\1/p' "$f" | tail -n 1 | tr -d ,)
			il=$(sed -nE 's/.*indirectly lost: ([0-9,]+) bytes.*/\1/p' "$f" | tail -n 1 | tr -d ,)
			if [ "${errs:-1}" = 0 ] && [ "${dl:-0}" = 0 ] && [ "${il:-0}" = 0 ]; then
				ok "$name"
			else
				bad "$name: ${errs:-?} errors, definitely lost ${dl:-0} B, indirectly lost ${il:-0} B" "$f"
			fi
		done
		[ $nlogs != 0 ] || bad "memcheck: no valgrind logs in $logs/vg"
		# What vigil.supp hid, summed over every process.
		cat "$logs"/vg/vg.* 2>/dev/null | awk '
		    /== +suppressed: [0-9,]+ bytes/ { gsub(/,/, "", $3); b += $3 }
		    END { printf "valgrind: memcheck: leaks suppressed by vigil.supp: %d bytes\n", b }'
		;;
	*)
		bad "setup: unknown pass $passname (VG_PASSES: native memcheck)"
		;;
	esac
done
closing
