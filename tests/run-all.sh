#!/usr/bin/env bash
# run-all.sh: every test suite, for make test and CI.  Runs each suite even
# after one fails, sums their closing "SUITE: N passed, N failed" lines
# (node --test: its "# pass N" / "# fail N" lines) and ends with
# "all: N passed, N failed"; exit 1 if anything failed.
#
#   unit          make check
#   lint          make lint: banned functions, cppcheck
#   integration   tests/integration/run.sh (real nginx, the programs,
#                 fake providers)
#   relay         tests/relay/run.sh (Chromium publishes over WHIP to the
#                 relay; ffprobe checks the recordings and RTMP pushes)
#   browser       tests/browser/run.sh (Debian Chromium, fake camera,
#                 playwright-core through the real pages on the stack)
#   san           make san: unit, fuzz corpora and integration built
#                 with ASan + UBSan in build/san (tests/san/run.sh)
#   valgrind      make valgrind: each FastCGI program's 10k-request load,
#                 native (RSS growth) and under memcheck (errors, leaks)
#                 (tests/valgrind/run.sh)
#   node          node --test over tests/contract/, tests/fake/ and
#                 tests/www/ (the WHIP client's state machine)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root" || exit 1

total_pass=0
total_fail=0
out=$(mktemp "${TMPDIR:-/tmp}/vigil-all.XXXXXX")
trap 'rm -f "$out"' EXIT

# count SUITE RC: add the suite's counts from $out.  A suite that failed
# without a closing line (a build error, a crash) counts as one failure.
count() {
	local suite=$1 rc=$2 p f line
	line=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" |
	    tail -n 1)
	if [ -n "$line" ]; then
		p=$(printf '%s\n' "$line" | sed -E 's/^([^:]+: )?([0-9]+) passed.*/\2/')
		f=$(printf '%s\n' "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	else
		p=0
		f=0
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "$suite: exited with status $rc"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

# Run "$@" with its output shown and kept in $out.
run() {
	"$@" 2>&1 | tee "$out"
	return "${PIPESTATUS[0]}"
}

echo "=== unit"
run make --no-print-directory check
count unit $?

# make lint says nothing when it is content.
echo "=== lint"
run sh -c 'make --no-print-directory lint && echo "lint: 1 passed, 0 failed"'
count lint $?

echo "=== integration"
run tests/integration/run.sh
count integration $?

echo "=== relay"
run tests/relay/run.sh
count relay $?

echo "=== browser"
run tests/browser/run.sh
count browser $?

echo "=== san"
run make --no-print-directory san
count san $?

echo "=== valgrind"
run make --no-print-directory valgrind
count valgrind $?

# Node's own tests (the fake providers, the contract validator).  Files
# are listed explicitly: how node --test treats a directory argument
# changed between Node versions.
node_tests=()
for d in tests/contract tests/fake tests/www; do
	[ -d "$d" ] || continue
	while IFS= read -r f; do
		node_tests+=("$f")
	done < <(find "$d" -path '*/node_modules' -prune -o -type f \
	    \( -name '*.test.mjs' -o -name '*.test.js' -o -name '*-test.mjs' \
	    -o -name '*_test.mjs' -o -name 'test-*.mjs' -o -name 'test.mjs' \) \
	    -print | sort)
done
if [ ${#node_tests[@]} -gt 0 ]; then
	echo "=== node"
	if command -v node >/dev/null 2>&1; then
		# Readable output on the terminal, TAP into a file to count.
		node --test --test-reporter=spec --test-reporter-destination=stdout \
		    --test-reporter=tap --test-reporter-destination="$out" \
		    "${node_tests[@]}"
		rc=$?
		p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$out" | tail -n 1)
		f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$out" | tail -n 1)
		p=${p:-0}
		f=${f:-0}
		if [ $rc != 0 ] && [ "$f" = 0 ]; then
			echo "node: exited with status $rc"
			f=1
		fi
		echo "node: $p passed, $f failed"
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
	else
		echo "node: not installed (tools/deps.sh test)"
		total_fail=$((total_fail + 1))
	fi
fi

echo "all: $total_pass passed, $total_fail failed"
[ $total_fail = 0 ]
