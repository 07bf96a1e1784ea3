# t0710-db-locked: SQLite held locked from outside (issue 6).  Another
# process (the sqlite3 shell) holds the database's write lock (BEGIN
# IMMEDIATE) for ~9 s while, at once: two signed Mux webhooks, a
# create-whip with an Idempotency-Key and one without, a memorial create
# and a sign-in (the one-time token is consumed by an UPDATE) arrive.
# Each writer waits the bounded busy timeout (LIM_DB_BUSY_MS, 5 s) and
# answers 503 application/problem+json code "unavailable" with a
# Retry-After: never a 500, never a hang.  Reads are not blocked (WAL):
# a listing sent meanwhile is answered at once.  Two more webhooks sent
# while the lock is still held wait and succeed once it is released.
# Nothing is half-written: the refused events have no webhook_events or
# recordings row, the refused creates no stream row and no provider
# resource left at the fake (the one that got as far as the providers
# rolled them back), the idempotency key is free, the memorial absent,
# the sign-in token unused.  After the release, re-sending each refused
# request (as Mux and a browser retry) succeeds and leaves its rows.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

BUSY_MS=5000		# LIM_DB_BUSY_MS, lib/vlimits.h
HOLD=9			# seconds the lock is held

wh_new_stream whip_browser
OWNER_AUTH=$AUTH
ADMIN_AUTH=$(token --sub it-admin --role admin)
fake_reset
link=$(vigil login-link --sub "u0710-$RANDOM") || fail "vigil login-link failed"
LOGIN_TOKEN=${link##*#t=}
[ -n "$LOGIN_TOKEN" ] && [ "$LOGIN_TOKEN" != "$link" ] ||
    fail "no token in the login link: $link"

d=$CASE_TMP/locked
mkdir -p "$d"
RUN=$(openssl rand -hex 4)

# An asset event with its own id and asset, as a file; prints its path.
event() {
	wh_mux_asset video.asset.live_stream_completed "L${RUN}x$1" ready \
	    false "$1.5" "P${RUN}x$1" "ev-$RUN-$1"
}
for n in 1 2 3 4; do
	cp "$(event "$n")" "$d/ev$n"
done

# req NAME METHOD PATH [BODY-FILE] [curl args...]: in the background,
# "status seconds" into $d/NAME.st, headers into $d/NAME.h, body $d/NAME.b.
req() {
	local name=$1 method=$2 path=$3 body=${4:-}
	shift 3
	[ $# -eq 0 ] || shift
	local args=(-sS -o "$d/$name.b" -D "$d/$name.h" --max-time 40
	    -w '%{http_code} %{time_total}\n' -X "$method")
	[ -z "$body" ] || args+=(--data-binary "@$body"
	    -H 'Content-Type: application/json')
	( curl "${args[@]}" "$@" "$BASE$path" >"$d/$name.st" 2>"$d/$name.err" ||
	    echo "000 0" >"$d/$name.st" ) &
}
webhook() {
	req "$1" POST /api/webhooks/mux "$d/ev$2" \
	    -H "Mux-Signature: $(sign_mux "$d/ev$2")"
}
st() { cut -d' ' -f1 "$d/$1.st"; }
secs() { cut -d' ' -f2 "$d/$1.st"; }

printf '{"memorialId":"%s","title":"Locked with key"}' "$MEM" >"$d/c1.json"
printf '{"memorialId":"%s","title":"Locked no key"}' "$MEM" >"$d/c2.json"
printf '{"id":"m0710-%s","title":"Locked memorial","ownerUid":"u0710"}' \
    "$RUN" >"$d/m1.json"
printf '{"token":"%s"}' "$LOGIN_TOKEN" >"$d/s1.json"

# The lock: the sqlite3 shell in a transaction, bounded by timeout(1).
lock_held() {
	! sqlite3 -cmd '.timeout 0' "$VIGIL_DB" 'BEGIN IMMEDIATE; ROLLBACK;' \
	    >/dev/null 2>&1
}
{ echo '.timeout 5000'; echo 'BEGIN IMMEDIATE;'
  echo "INSERT INTO webhook_events (provider, event_id, received_at) VALUES ('mux', 'lock-holder-$RUN', 0);"
  sleep "$HOLD"; echo 'ROLLBACK;'; } |
    timeout $((HOLD + 20)) sqlite3 -bail "$VIGIL_DB" >"$d/lock.out" 2>&1 &
lock_pid=$!
wait_for 5 lock_held || fail "the lock holder did not get the lock: $(cat "$d/lock.out")"
t_lock=$(date +%s%N)

webhook w1 1
webhook w2 2
req c1 POST /api/streams/create-whip "$d/c1.json" \
    -H "Authorization: Bearer $OWNER_AUTH" -H "Idempotency-Key: k0710-$RUN"
req c2 POST /api/streams/create-whip "$d/c2.json" \
    -H "Authorization: Bearer $OWNER_AUTH"
req m1 POST /api/memorials "$d/m1.json" -H "Authorization: Bearer $ADMIN_AUTH"
req s1 POST /api/session "$d/s1.json"

# A read while the lock is held: WAL readers do not wait.
sleep 1
lock_held || fail "the lock was released too early"
AUTH=$OWNER_AUTH
t0=$(date +%s%N)
api GET "/api/streams?memorialId=$MEM"
expect_status 200
read_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$read_ms" -lt 2000 ] || fail "a listing waited ${read_ms} ms behind the write lock"
echo "listing while locked: ${read_ms} ms"

# Two more webhooks while still locked (webhook-mux's workers are free
# again once the first two gave up): they wait, then the lock goes.
while [ $((($(date +%s%N) - t_lock) / 1000000)) -lt $((BUSY_MS + 800)) ]; do
	sleep 0.1
done
lock_held || fail "the lock was released before the late webhooks"
webhook w3 3
webhook w4 4

wait "$lock_pid" || fail "the lock holder failed: $(cat "$d/lock.out")"
t_free=$(date +%s%N)
echo "lock held $(((t_free - t_lock) / 1000000)) ms"
wait
for n in w1 w2 w3 w4 c1 c2 m1 s1; do
	echo "$n: $(cat "$d/$n.st")"
done

# Every answer: 503 unavailable after the busy timeout, or a success.
for n in w1 w2 c1 c2 m1 s1; do
	[ "$(st $n)" = 503 ] ||
	    fail "$n: expected 503 while locked, got $(st $n): $(head -c 300 "$d/$n.b")"
	grep -qi '^content-type: application/problem+json' "$d/$n.h" ||
	    fail "$n: the 503 is not problem+json"
	[ "$(jq -r .code "$d/$n.b")" = unavailable ] ||
	    fail "$n: code $(jq -r .code "$d/$n.b"), want unavailable"
	[ "$(jq -r .status "$d/$n.b")" = 503 ] || fail "$n: status field"
	ra=$(tr -d '\r' <"$d/$n.h" | awk -F': *' 'tolower($1) == "retry-after" { print $2 }')
	[ -n "$ra" ] || fail "$n: 503 without Retry-After"
	[ "$(printf '%s\n' "$ra" | wc -l)" = 1 ] ||
	    fail "$n: more than one Retry-After: $(echo $ra)"
	case $ra in *[!0-9]*) fail "$n: Retry-After '$ra' is not seconds" ;; esac
	awk -v s="$(secs $n)" -v b=$BUSY_MS 'BEGIN { exit !(s * 1000 >= b - 300 && s < 20) }' ||
	    fail "$n: 503 after $(secs $n) s, want the busy timeout (${BUSY_MS} ms)"
done
for n in w3 w4; do
	[ "$(st $n)" = 200 ] ||
	    fail "$n: a webhook waiting when the lock went should succeed, got $(st $n): $(head -c 300 "$d/$n.b")"
done
! grep -l '^500' "$d"/*.st >/dev/null 2>&1 || fail "a 500 under a busy database"

# Nothing half-written by the refused requests, nor by the holder.
[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id = 'lock-holder-$RUN'")" = 0 ] ||
    fail "the lock holder's rolled-back row is there"
for n in 1 2; do
	[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id = 'ev-$RUN-$n'")" = 0 ] ||
	    fail "refused event $n was recorded as seen"
	[ "$(db "SELECT count(*) FROM recordings WHERE provider_id = 'L${RUN}x$n'")" = 0 ] ||
	    fail "refused event $n left a recording row"
done
for n in 3 4; do
	[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id = 'ev-$RUN-$n'")" = 1 ] ||
	    fail "acknowledged event $n is not in webhook_events"
	[ "$(db "SELECT state FROM recordings WHERE provider_id = 'L${RUN}x$n'")" = ready ] ||
	    fail "acknowledged event $n left no ready recording"
done
[ "$(db "SELECT count(*) FROM streams WHERE memorial_id = '$MEM' AND title LIKE 'Locked%'")" = 0 ] ||
    fail "a refused create stored a stream"
[ "$(db "SELECT count(*) FROM idempotency_keys WHERE key = 'k0710-$RUN'")" = 0 ] ||
    fail "the refused create's idempotency key is held"
[ "$(db "SELECT count(*) FROM memorials WHERE id = 'm0710-$RUN'")" = 0 ] ||
    fail "the refused memorial was stored"
[ "$(db "SELECT count(*) FROM login_tokens WHERE used_at IS NOT NULL AND sub LIKE 'u0710-%'")" = 0 ] ||
    fail "the refused sign-in used up its token"
# No orphan: what the refused creates made at the providers is gone.
state=$(fake GET /state)
[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 0 ] ||
    fail "a live input was left at Cloudflare: $(jq -c '.cf.liveInputs' <<<"$state")"
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "a live stream was left at Mux: $(jq -c '.mux.liveStreams' <<<"$state")"
made=$(fake_requests | jq '[.[] | select(.op == "cf.live_input.create" and .status == 200)] | length')
echo "provider resources made (and removed) by the refused creates: $made live input(s)"

# Re-sent after the release (Mux retries a 503; so does the browser).
for n in 1 2; do
	wh_mux_post "$d/ev$n"
	expect_status 200
	[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id = 'ev-$RUN-$n'")" = 1 ] ||
	    fail "re-sent event $n is not in webhook_events"
	[ "$(db "SELECT state FROM recordings WHERE provider_id = 'L${RUN}x$n'")" = ready ] ||
	    fail "re-sent event $n left no ready recording"
done
AUTH=$OWNER_AUTH
api POST /api/streams/create-whip "@$d/c1.json" -H "Idempotency-Key: k0710-$RUN"
expect_status 201
[ -z "$(header Idempotent-Replayed)" ] || fail "c1: a refused request was replayed"
api POST /api/streams/create-whip "@$d/c2.json"
expect_status 201
AUTH=$ADMIN_AUTH
api POST /api/memorials "@$d/m1.json"
expect_status 201
no_auth
api POST /api/session "@$d/s1.json"
expect_status 200
[ "$(db "SELECT count(*) FROM streams WHERE memorial_id = '$MEM' AND title LIKE 'Locked%'")" = 2 ] ||
    fail "want the two streams after the retries"
