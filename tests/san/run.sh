#!/usr/bin/env bash
# run.sh MAKE-COMMAND...: make san.  The Makefile passes its own make
# command with the sanitizer settings (BUILD=build/san SAN=1 OPT=...
# LDFLAGS=...) and BUILD=build/san in the environment.  Everything is
# built there with -fsanitize=address,undefined -fno-sanitize-recover=all
# -fno-omit-frame-pointer, so the normal build/ is untouched; then:
#
#   1. build      MAKE all (the programs, the CLI, the library)
#   2. unit       MAKE check: the unit programs and the fuzz corpora
#                 replayed, sanitized (a report fails the program)
#   3. integration  tests/integration/run.sh against the sanitized
#                 programs (whip included) and CLI, every case (or
#                 SAN_CASES="t0101 t0205 ..."), with
#                 ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 and every
#                 report written under SANLOG (log_path); a FastCGI worker
#                 runs LeakSanitizer when it exits on SIGTERM (it ends
#                 with _exit, so the build wraps _exit with
#                 tests/relay/lsan-exit.c)
#   4. reports    every ASan/UBSan/LSan report left by any process (the
#                 log_path files, each program's log, each case's output)
#                 is one failure, shown; none: "ok no-sanitizer-reports"
#
# Third-party leaks: tests/san/lsan.supp (memory GLib keeps for the life
# of the process; each entry a library function above any code of ours,
# none names ours); what it hid is printed.
#
# Ends with "san: N passed, N failed" (the unit, fuzz-replay and
# integration counts plus the build and report lines); exit 1 if any
# failed.  KEEP=1 keeps SANLOG (default BUILD/logs, emptied first) and
# the integration's temp dir (under TMPDIR, not BUILD: its socket paths
# must stay short).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

[ $# -gt 0 ] || { echo "usage: tests/san/run.sh MAKE-COMMAND..." >&2; exit 2; }
: "${BUILD:?BUILD (the sanitized build directory) must be set}"
case $BUILD in /*) build=$BUILD ;; *) build=$root/$BUILD ;; esac
logs=${SANLOG:-$build/logs}

pass=0
failed=0
out=$(mktemp "${TMPDIR:-/tmp}/vigil-san.XXXXXX")
trap 'rm -f "$out"' EXIT

ok() {
	pass=$((pass + 1))
	echo "ok $1"
}

bad() {
	# bad NAME [FILE]: one failure, FILE's first lines indented
	failed=$((failed + 1))
	echo "fail $1"
	[ -z "${2:-}" ] || [ ! -s "$2" ] || head -n 60 "$2" | sed 's/^/    /'
}

# add LABEL RC: add $out's last "LABEL: N passed, N failed" line.
add() {
	local line p f
	line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$out" | tail -n 1)
	p=$(printf '%s\n' "$line" | sed -nE 's/^[^:]+: ([0-9]+) passed.*/\1/p')
	f=$(printf '%s\n' "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
	p=${p:-0}
	f=${f:-0}
	if [ "$2" != 0 ] && [ "$f" = 0 ]; then
		echo "san: $1 exited with status $2"
		f=1
	fi
	pass=$((pass + p))
	failed=$((failed + f))
}

closing() {
	echo "san: $pass passed, $failed failed"
	[ $failed = 0 ]
	exit
}

t0=$SECONDS
echo "san: building into $BUILD"
if "$@" -j2 all >"$out" 2>&1; then
	ok build
else
	bad build "$out"
	closing
fi

# The unit programs and the replayers exit normally: LeakSanitizer
# checks them at exit; any report fails that program.
echo "san: unit tests and fuzz corpora"
"$@" check 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
add unit "$rc"
add fuzz-replay 0
echo "san: build and unit took $((SECONDS - t0)) s"

# ------------------------------------------------------------ integration
rm -rf "$logs"
mkdir -p "$logs"
# Not under $logs: a unix socket's path must stay under 100 bytes
# (lib/http.c), wherever the repository is cloned.
itmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-san.XXXXXX")
t1=$SECONDS
# Every sanitized process (programs, their workers, the CLI) writes its
# reports to $logs/asan.PID; abort_on_error makes a worker with an error
# die at once (nginx answers 502, the case fails, the supervisor logs the
# signal).  G_SLICE: GLib's slice allocator would hide frees from LSan.
# detect_odr_violation=0: GStreamer's plugins define the same globals.
# fast_unwind_on_malloc=0: GLib and GStreamer are built without frame
# pointers, so the fast unwinder stops at g_malloc and lsan.supp could
# match nothing; the slow one costs little next to the cases' own waits.
export ASAN_OPTIONS="log_path=$logs/asan:abort_on_error=1:detect_leaks=1:exitcode=23:detect_odr_violation=0:strict_string_checks=1:check_initialization_order=1:fast_unwind_on_malloc=0:malloc_context_size=40${SAN_ASAN_OPTIONS:+:$SAN_ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1:abort_on_error=1"
export LSAN_OPTIONS="suppressions=$here/lsan.supp:print_suppressions=1"
export G_SLICE=always-malloc
# SAN_CASES: empty means every case.  Sanitized programs are slower:
# a case gets 240 s rather than 120.
# shellcheck disable=SC2086
TMPDIR=$itmp KEEP=1 BUILD=$build CASE_TIMEOUT=${CASE_TIMEOUT:-240} \
    tests/integration/run.sh \
    ${SAN_CASES:-} 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
add integration "$rc"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS G_SLICE
echo "san: integration took $((SECONDS - t1)) s"

# ------------------------------------------------------------ reports
# Each file holding a report is one failure: the log_path files (one per
# process), the programs' logs, the cases' outputs.
pattern='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|AddressSanitizer: CHECK failed|WARNING: AddressSanitizer'
found=0
while IFS= read -r f; do
	[ -n "$f" ] || continue
	found=$((found + 1))
	bad "sanitizer-report ${f#"$logs"/}" "$f"
done < <(grep -rlE "$pattern" "$logs" "$itmp" 2>/dev/null | sort)
[ $found != 0 ] || ok no-sanitizer-reports
# What lsan.supp hid, summed over every process (print_suppressions=1).
cat "$logs"/asan.* 2>/dev/null | awk '
    /^Suppressions used:/ { on = 1; next }
    /^-+$/ { on = 0; next }
    on && $1 ~ /^[0-9]+$/ { n[$3] += $1; b[$3] += $2 }
    END { for (t in n) printf "san: suppressed (lsan.supp %s): %d leaks, %d bytes\n", t, n[t], b[t] }' |
    sort
if [ "${KEEP:-0}" = 1 ]; then
	echo "san: reports kept in $logs, the integration's files in $itmp"
else
	rm -rf "$logs" "$itmp"
fi
closing
