# stack.case.sh: the browser suite, run as one case of
# tests/integration/run.sh so it gets exactly the integration stack
# (nginx, every built program, the fake providers, a fresh database) and
# lib.sh's environment: BASE, VIGIL_CLI, VIGIL_DB, JWT_SECRET_FILE,
# VIGIL_MEDIA_DIR, RUNDIR, FAKE_URL.  tests/browser/run.sh starts it and
# reads the results from $BROWSER_OUT.
#
# BROWSER_HOLD=1 (development): do not run the tests; write the stack's
# environment to $BROWSER_OUT/env and keep it up until
# $BROWSER_OUT/release exists.
: "${BROWSER_OUT:?run by tests/browser/run.sh}"
cd "$IT_ROOT"
if [ "${BROWSER_HOLD:-0}" = 1 ]; then
	env | grep -E '^(BASE|VIGIL_|JWT_|RUNDIR|FAKE_URL|IT_)' >"$BROWSER_OUT/env"
	while [ ! -e "$BROWSER_OUT/release" ]; do sleep 1; done
	exit 0
fi
files=()
if [ -n "${BROWSER_TESTS:-}" ]; then
	for t in $BROWSER_TESTS; do files+=("tests/browser/$t.test.mjs"); done
else
	for f in tests/browser/*.test.mjs; do files+=("$f"); done
fi
# One test file at a time: they share the stack (and its one relay).
node --test --test-concurrency=1 \
    --test-reporter=spec --test-reporter-destination="$BROWSER_OUT/spec.log" \
    --test-reporter=tap --test-reporter-destination="$BROWSER_OUT/tap.log" \
    "${files[@]}"
