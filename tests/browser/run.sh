#!/usr/bin/env bash
# run.sh [NAME...]: the browser suite.  Debian's Chromium, headless, with
# a fake camera and microphone, driven by playwright-core through the
# real pages of www/ against the integration stack (nginx, the FastCGI
# programs, the fake providers: tests/integration/run.sh starts it and
# runs stack.case.sh inside it).  NAME picks tests/browser/NAME.test.mjs
# files (default: all).  Ends with "browser: N passed, N failed".
#
#   KEEP=1             keep the stack's temp dir (logs, database)
#   CHROMIUM=path      the browser (default /usr/bin/chromium)
# Screenshots at phone size go to test-output/screenshots/ (gitignored).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

closing() {
	echo "browser: $1 passed, $2 failed"
	[ "$2" = 0 ]
	exit
}

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
	echo "browser: $chromium is missing: run tools/deps.sh test"
	closing 0 1
fi
if [ ! -d tests/node_modules/playwright-core ]; then
	echo "browser: playwright-core is missing: (cd tests && npm ci)"
	closing 0 1
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/vigil-browser.XXXXXX")
trap 'rm -rf "$out"' EXIT
export BROWSER_OUT=$out BROWSER_TESTS="$*" CHROMIUM=$chromium
: >"$out/spec.log"
: >"$out/tap.log"

# The test output, as it comes.
tail -n +1 -F "$out/spec.log" 2>/dev/null &
tailer=$!

CASE_TIMEOUT=${CASE_TIMEOUT:-1500} tests/integration/run.sh \
    "$here/stack.case.sh" >"$out/stack.log" 2>&1
sleep 0.3
kill "$tailer" 2>/dev/null
wait "$tailer" 2>/dev/null

pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out/tap.log" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out/tap.log" | tail -n 1)
pass=${pass:-0}
fail=${fail:-0}

# What the stack said: its setup, the processes still alive after the
# tests, the contract check of the provider requests made.  Its own
# closing line is left out so the one below is the suite's.
while IFS= read -r line; do
	case $line in
	"integration: "*passed*failed*) ;;
	"fail "*)
		echo "stack: $line"
		case $line in
		"fail stack.case") [ "$fail" != 0 ] || fail=$((fail + 1)) ;;
		*) fail=$((fail + 1)) ;;
		esac
		;;
	"ok "*|"integration: "*) echo "stack: $line" ;;
	*) [ "$fail" = 0 ] || echo "stack:   $line" ;;
	esac
done <"$out/stack.log"
if [ "$pass" = 0 ] && [ "$fail" = 0 ]; then
	echo "browser: no test ran"
	fail=1
fi
closing "$pass" "$fail"
