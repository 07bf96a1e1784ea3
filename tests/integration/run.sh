#!/usr/bin/env bash
# run.sh [CASE...]: the integration suite.  Starts the fake providers,
# a fresh database and the whole stack (every built FastCGI program and
# nginx, tools/stack.sh) on loopback in a temp dir, then runs each case
# tests/integration/tNNNN-*.sh in order (or those named: t0001,
# t0101-create-whip-basic, a path) in its own bash with lib.sh sourced,
# printing "ok NAME" or "fail NAME" with the case's output indented.
# Ends with "integration: N passed, N failed"; exit 1 if any failed.
#
#   KEEP=1           keep the temp dir (logs, database, fake.jsonl)
#   CASE_TIMEOUT=120 seconds a case may take
#   BUILD=build      where the programs and the CLI are
#   PROGRAMS, STACK_WRAP   passed to tools/stack.sh (e.g. valgrind)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
stack=$root/tools/stack.sh

# Only the test configuration reaches the programs, never the caller's
# (a developer's real provider credentials, say).
for v in $(compgen -v | grep -E '^(VIGIL_|JWT_|CLOUDFLARE_|MUX_)'); do
	unset "$v"
done
unset SESSION_COOKIE

export BUILD=${BUILD:-build}
case $BUILD in /*) build=$BUILD ;; *) build=$root/$BUILD ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigil-it.XXXXXX")
mkdir -p "$tmp/log" "$tmp/cases"
export IT_ROOT=$root IT_TMP=$tmp RUNDIR=$tmp/run
pass=0
failed=0
# shellcheck source=tests/testenv.sh
. "$root/tests/testenv.sh"

finish() {
	"$stack" stop "$RUNDIR" >/dev/null 2>&1 || true
	testenv_fake_stop
	[ "${KEEP:-0}" = 1 ] || rm -rf "$tmp"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

result() {
	# result ok|fail NAME [OUTPUT-FILE]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok $2"
	else
		failed=$((failed + 1))
		echo "fail $2"
		[ -z "${3:-}" ] || [ ! -s "$3" ] || sed 's/^/    /' "$3"
	fi
}

# The closing line (after saying where the files are, with KEEP=1).
closing() {
	[ "${KEEP:-0}" != 1 ] || echo "integration: files kept in $tmp"
	echo "integration: $pass passed, $failed failed"
}

# A setup step failed: say why and close with the usual line.
setup_failed() {
	printf '%s\n' "$*" >"$tmp/setup.out"
	result fail setup "$tmp/setup.out"
	closing
	exit 1
}

# Cases to run.
cases=()
if [ $# -eq 0 ]; then
	for f in "$here"/t[0-9][0-9][0-9][0-9]-*.sh; do
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

for tool in curl jq sqlite3 nginx; do
	command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
	    setup_failed "$tool is missing: run tools/deps.sh test"
done
export VIGIL_CLI=$build/vigil

# The fake providers, on a port of their own choosing.
export FAKE_URL=""
if [ -f tests/fake/fake-providers.mjs ] && command -v node >/dev/null 2>&1
then
	testenv_fake_start "$tmp" --log "$tmp/fake.jsonl" \
	    --state-dir "$tmp/fake-state" || setup_failed "$TESTENV_ERROR"
else
	echo "integration: no fake providers (tests/fake/fake-providers.mjs or node missing); providers off"
fi

# A fresh database and the test configuration.
testenv_config "$tmp" rtmp://127.0.0.1:1935/app ||
    setup_failed "$TESTENV_ERROR"
# Cases create streams faster than a person would: production rate limits
# only where a case asks for them (restart_stack_with -u NGINX_CREATE_RATE).
export NGINX_CREATE_RATE=${NGINX_CREATE_RATE:-1000r/s}
export NGINX_CREATE_BURST=${NGINX_CREATE_BURST:-1000}
export NGINX_WEBHOOK_RATE=${NGINX_WEBHOOK_RATE:-1000r/s}
export NGINX_WEBHOOK_BURST=${NGINX_WEBHOOK_BURST:-1000}

# nginx on a free loopback port.
testenv_stack_start "$RUNDIR" "$tmp/log/stack.err" ||
    setup_failed "$TESTENV_ERROR"
programs=$(awk '$1 != "nginx" { printf " %s", $1 }' "$RUNDIR/pids")
echo "integration: nginx $BASE, fake providers ${FAKE_URL:-none}, programs:${programs:- none}"

# Cases run in child processes, so a case that restarted the stack with
# other settings (restart_stack_with) left this shell's environment as
# it was: restarting from here puts the normal stack back.
restore_stack() {
	"$stack" stop "$RUNDIR" && "$stack" start "$RUNDIR"
}

for c in "${cases[@]}"; do
	name=$(basename "$c" .sh)
	out=$tmp/cases/$name.out
	rm -f "$tmp/stack-dirty"
	# $1 and $2 are the inner bash's: lib.sh, then the case.
	# shellcheck disable=SC2016
	timeout -k 5 "${CASE_TIMEOUT:-120}" \
	    bash -c 'set -euo pipefail; . "$1"; . "$2"' "$name" \
	    "$here/lib.sh" "$c" </dev/null >"$out" 2>&1
	rc=$?
	[ $rc != 124 ] ||
	    echo "(timed out after ${CASE_TIMEOUT:-120} s)" >>"$out"
	if [ $rc = 0 ]; then
		result ok "$name"
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

# No FastCGI program or nginx may have died from any request.
if [ -f "$RUNDIR/pids" ]; then
	if "$stack" status "$RUNDIR" >"$tmp/status.out" 2>&1; then
		result ok processes-alive
	else
		grep -v ' running$' "$tmp/status.out" >"$tmp/status.gone"
		result fail processes-alive "$tmp/status.gone"
	fi
fi
"$stack" stop "$RUNDIR"

# Every provider request we made, checked against the providers' specs.
if [ -f tests/contract/validate.mjs ] && [ -n "$FAKE_URL" ]; then
	if [ -s "$tmp/fake.jsonl" ]; then
		if node tests/contract/validate.mjs "$tmp/fake.jsonl" \
		    >"$tmp/contract.out" 2>&1; then
			result ok contract-validate
		else
			result fail contract-validate "$tmp/contract.out"
		fi
	fi
fi

closing
[ $failed = 0 ]
