# lib.sh: helpers for the integration cases, sourced by run.sh into each
# case's shell (bash, set -euo pipefail).  A case is a short script that
# sends requests through the real nginx and checks the answers and what
# the fake providers received; any failed expectation ends it.
#
# Set for every case (exported by run.sh):
#   BASE        http://127.0.0.1:PORT, the stack's nginx
#   FAKE_URL    http://127.0.0.1:FAKEPORT, the fake providers ("" if none)
#   IT_ROOT     the repository; IT_TMP the run's temp dir; RUNDIR the
#               stack's run dir (logs in $RUNDIR/log/NAME.log)
#   VIGIL_CLI   build/vigil; VIGIL_DB, JWT_SECRET_FILE and the provider
#               settings the programs got (SPEC §9)
#
# Requests:
#   api METHOD PATH [BODY] [curl args...]
#               BODY is JSON text, @FILE, or "" for none; a JSON
#               Content-Type is added unless the curl args set one, and
#               "Authorization: Bearer $AUTH" when AUTH is set.  Sets
#               STATUS (e.g. 201, 000 when curl failed) and leaves the
#               body in the file $BODY and the headers in $HEADERS.
#   header NAME             the last response's header value
#   json EXPR               jq -r EXPR on $BODY
#   auth_as SUB [--role admin]   AUTH=a session token for SUB; no_auth
#   token --sub U [--role admin] [--ttl S]   prints a token (vigil token)
#   vigil ARGS...           the CLI with the test configuration
#   jwt HEADER PAYLOAD ALG [KEYFILE]   prints a JWS crafted by hand
# Expectations (each calls fail):
#   expect_status N [N...]  expect_json EXPR VALUE   expect_header NAME ERE
#   expect_problem STATUS CODE   (RFC 9457 body, SPEC §5)
#   expect_logs_lack STRING (no log line anywhere holds STRING: secrets)
#   fail MSG                end the case, showing the last request
# Fake providers (tests/fake/README.md has the control API):
#   fake METHOD PATH [JSON] control API call (PATH under /_fake/); prints
#                           the reply
#   fake_requests [SINCE]   the recorded provider requests (a JSON list)
#   fake_reset              forget requests, faults and state
#   fake_fault OP JSON      make operation OP fail, e.g. '{"status":500}'
# Webhook signatures over a file's exact bytes:
#   sign_mux FILE [T] [SECRET]  "t=T,v1=HEX"   (Mux-Signature)
#   sign_cf FILE [T] [SECRET]   "time=T,sig1=HEX" (Webhook-Signature)
# The stack:
#   restart_stack_with [-u NAME] [NAME=VALUE]...
#               restart every program and nginx with these settings
#               changed (-u: unset), e.g. providers off:
#               restart_stack_with -u CLOUDFLARE_API_TOKEN -u MUX_TOKEN_ID
#               run.sh restores the normal stack after the case.
#   restart_stack           same settings, fresh processes
#   wait_for SECONDS CMD... retry CMD every 0.1 s until it succeeds; 1 if
#                           it never did
#   db SQL                  sqlite3 on the test database (reads)

: "${BASE:?lib.sh is sourced by tests/integration/run.sh}"

CASE_TMP=$(mktemp -d "$IT_TMP/case.XXXXXX")
BODY=$CASE_TMP/body
HEADERS=$CASE_TMP/headers
STATUS=""
AUTH=""
LAST_REQUEST=""
: >"$BODY"
: >"$HEADERS"

fail() {
	{
		printf 'FAIL: %s\n' "$*"
		if [ -n "$LAST_REQUEST" ]; then
			printf 'last request: %s -> %s\n' "$LAST_REQUEST" "$STATUS"
			if [ -s "$BODY" ]; then
				printf 'body: '
				head -c 2000 "$BODY"
				echo
			fi
		fi
	} >&2
	exit 1
}

api() {
	[ $# -ge 2 ] || fail "usage: api METHOD PATH [BODY] [curl args...]"
	local method=$1 path=$2 body="" a has_ct=0
	shift 2
	if [ $# -gt 0 ]; then
		body=$1
		shift
	fi
	local args=(-sS -o "$BODY" -D "$HEADERS" -w '%{http_code}'
	    --max-time "${API_TIMEOUT:-40}")
	if [ "$method" = HEAD ]; then
		args+=(--head)
	else
		args+=(-X "$method")
	fi
	for a in "$@"; do
		case ${a,,} in content-type:*) has_ct=1 ;; esac
	done
	if [ -n "$body" ]; then
		case $body in
		@*) args+=(--data-binary "$body") ;;
		*)
			printf '%s' "$body" >"$CASE_TMP/request"
			args+=(--data-binary "@$CASE_TMP/request")
			;;
		esac
		[ $has_ct = 1 ] || args+=(-H 'Content-Type: application/json')
	fi
	[ -z "$AUTH" ] || args+=(-H "Authorization: Bearer $AUTH")
	: >"$BODY"
	: >"$HEADERS"
	LAST_REQUEST="$method $path"
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path" 2>"$CASE_TMP/curl.err") ||
	    STATUS=000
	[ -n "$STATUS" ] || STATUS=000
	return 0
}

# The value of header NAME in the last response (after any 100 Continue).
header() {
	tr -d '\r' <"$HEADERS" | awk -v want="${1,,}" '
	    /^HTTP\// { v = ""; found = 0; next }
	    { i = index($0, ":"); if (i == 0) next
	      if (tolower(substr($0, 1, i - 1)) == want) {
		v = substr($0, i + 1); sub(/^[ \t]+/, "", v); found = 1 } }
	    END { if (found) print v }'
}

json() {
	jq -r "$1" "$BODY" 2>"$CASE_TMP/jq.err" ||
	    fail "jq '$1' failed: $(cat "$CASE_TMP/jq.err")"
}

expect_status() {
	local want
	for want in "$@"; do
		[ "$STATUS" = "$want" ] && return 0
	done
	if [ "$STATUS" = 000 ]; then
		fail "expected status $*, curl failed: $(cat "$CASE_TMP/curl.err")"
	fi
	fail "expected status $*, got $STATUS"
}

expect_json() {
	local got
	got=$(json "$1")
	[ "$got" = "$2" ] || fail "$1: expected '$2', got '$got'"
}

expect_header() {
	local got
	got=$(header "$1")
	printf '%s\n' "$got" | grep -Eq -- "$2" ||
	    fail "header $1: expected /$2/, got '$got'"
}

expect_problem() {
	expect_status "$1"
	expect_header Content-Type '^application/problem\+json'
	expect_json .status "$1"
	expect_json .code "$2"
	[ -n "$(json '.title // empty')" ] || fail "problem without a title"
	[ -n "$(json '.type // empty')" ] || fail "problem without a type"
}

expect_logs_lack() {
	[ -n "$1" ] || fail "expect_logs_lack: empty string"
	local hits
	hits=$(grep -rlF -- "$1" "$RUNDIR/log" 2>/dev/null || true)
	[ -z "$hits" ] || fail "a log holds a secret: $hits"
}

vigil() {
	"$VIGIL_CLI" "$@"
}

token() {
	local t
	t=$("$VIGIL_CLI" token "$@") || fail "vigil token $* failed"
	printf '%s\n' "$t"
}

# jwt HEADER PAYLOAD ALG [KEYFILE]: a compact JWS.  ALG is the HMAC
# (HS256, HS384, HS512) used to sign, or "none" for an empty signature.
jwt() {
	node -e '
	    const [h, p, alg, kf] = process.argv.slice(1);
	    const c = require("crypto"), fs = require("fs");
	    const b = (s) => Buffer.from(s).toString("base64url");
	    const input = b(h) + "." + b(p);
	    let sig = "";
	    if (alg !== "none") {
		const key = fs.readFileSync(kf, "utf8").replace(/[\r\n]+$/, "");
		sig = c.createHmac("sha" + alg.slice(2), key).update(input)
		    .digest("base64url");
	    }
	    process.stdout.write(input + "." + sig);
	' "$@"
}

auth_as() {
	[ $# -ge 1 ] || fail "usage: auth_as SUB [--role admin]"
	local sub=$1
	shift
	AUTH=$(token --sub "$sub" "$@")
}

no_auth() {
	AUTH=""
}

fake() {
	[ -n "${FAKE_URL:-}" ] || fail "the fake providers are not running"
	local method=$1 path=$2 data=${3-} code
	case $path in
	/_fake/*) ;;
	/*) path=/_fake$path ;;
	*) path=/_fake/$path ;;
	esac
	local args=(-sS -o "$CASE_TMP/fake" -w '%{http_code}' --max-time 10
	    -X "$method")
	[ -z "$data" ] ||
	    args+=(-H 'Content-Type: application/json' --data-binary "$data")
	code=$(curl "${args[@]}" "$FAKE_URL$path") ||
	    fail "fake $method $path: curl failed"
	case $code in
	2??) cat "$CASE_TMP/fake" ;;
	*) fail "fake $method $path: $code $(head -c 500 "$CASE_TMP/fake")" ;;
	esac
}

fake_requests() {
	fake GET "/requests?since=${1:-0}"
}

fake_reset() {
	fake POST /reset >/dev/null
}

fake_fault() {
	fake POST /faults "{\"$1\": $2}" >/dev/null
}

_hmac_hex() {
	# _hmac_hex SECRET: HMAC-SHA256 of stdin, lower-case hex.
	openssl dgst -sha256 -hmac "$1" | awk '{ print $NF }'
}

sign_mux() {
	local t=${2:-$(date +%s)} secret=${3:-$MUX_WEBHOOK_SECRET}
	printf 't=%s,v1=%s\n' "$t" \
	    "$({ printf '%s.' "$t"; cat "$1"; } | _hmac_hex "$secret")"
}

sign_cf() {
	local t=${2:-$(date +%s)} secret=${3:-$CLOUDFLARE_WEBHOOK_SECRET}
	printf 'time=%s,sig1=%s\n' "$t" \
	    "$({ printf '%s.' "$t"; cat "$1"; } | _hmac_hex "$secret")"
}

restart_stack_with() {
	while [ $# -gt 0 ]; do
		case $1 in
		-u)
			[ $# -ge 2 ] || fail "restart_stack_with: -u needs a name"
			unset "$2"
			shift 2
			;;
		*=*)
			export "${1?}"
			shift
			;;
		*) fail "restart_stack_with: not NAME=VALUE or -u NAME: $1" ;;
		esac
	done
	# run.sh puts the normal stack back after this case.
	: >"$IT_TMP/stack-dirty"
	"$IT_ROOT/tools/stack.sh" stop "$RUNDIR"
	"$IT_ROOT/tools/stack.sh" start "$RUNDIR" ||
	    fail "the stack did not start again"
}

restart_stack() {
	restart_stack_with
}

wait_for() {
	local secs=$1
	shift
	for _ in $(seq "$((secs * 10))"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

db() {
	sqlite3 -bail "$VIGIL_DB" "$@"
}
