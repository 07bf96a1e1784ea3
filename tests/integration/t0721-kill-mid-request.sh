# t0721-kill-mid-request: kill -9 of a worker at a known point of a
# request (issue 6; t0720 kills under load, where the moment is luck).
#
# A webhook mid-transaction.  The database's write lock is held from
# outside for 4 s (under LIM_DB_BUSY_MS), two signed Mux events arrive,
# both webhook-mux workers wait for the lock with one in hand each, and
# one worker is killed: its event is answered 502 (by nginx, problem
# JSON code "unavailable") and nothing of it is stored; the other one
# is stored once the lock goes (200).  Re-sent, as Mux retries anything
# not 2xx, the first is stored too, once, and not as a duplicate.
#
# A create-whip mid-provisioning.  Cloudflare takes 3 s to answer; the
# worker holding the create (with an Idempotency-Key) is killed: 502.
# Retried at once with the same key: 409 conflict, since nothing can
# tell a dead request from a slow one.  Once the key has been pending
# longer than any create can run (LIM_IDEM_STALE, 60 s; the row's
# created_at is moved back here rather than waiting), the same retry
# takes the key over: 201, one stream; a further retry replays it.
# What the killed create had made at the providers stays there (it
# died before it could roll back): reported, counted exactly.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
OWNER_AUTH=$AUTH
d=$CASE_TMP/mid
mkdir -p "$d"
RUN=$(openssl rand -hex 4)

master_of() {
	awk -v n="$1" '$1 == n { print $2 }' "$RUNDIR/pids"
}
workers_of() {
	ps -o pid= --ppid "$1" | tr -d ' ' | sort
}
# The connections from nginx a process holds: unix sockets accepted on
# the program's listening socket (same path, not listening themselves;
# libcurl's own socketpairs have no path).
nginx_conns() {
	local f l
	for f in /proc/"$1"/fd/*; do
		l=$(readlink "$f" 2>/dev/null) || continue
		case $l in socket:\[*\]) l=${l#socket:[}; echo "${l%]}" ;; esac
	done | awk -v path="$2" 'NR == FNR { want[$1] = 1; next }
	    ($7 in want) && $8 == path && $4 != "00010000" { print $7 }' \
	    - /proc/net/unix
}
# Workers of program $1 with a request in hand.
busy_workers() {
	local w
	for w in $(workers_of "$(master_of "$1")"); do
		[ -z "$(nginx_conns "$w" "$RUNDIR/sock/$1.sock")" ] || echo "$w"
	done
}
lock_held() {
	! sqlite3 -cmd '.timeout 0' "$VIGIL_DB" 'BEGIN IMMEDIATE; ROLLBACK;' \
	    >/dev/null 2>&1
}
# post NAME FILE: a signed Mux event in the background; "status" into
# $d/NAME.st, the body into $d/NAME.b.
post() {
	( curl -sS -o "$d/$1.b" -w '%{http_code}\n' --max-time 40 \
	    -H 'Content-Type: application/json' \
	    -H "Mux-Signature: $(sign_mux "$2")" --data-binary "@$2" \
	    "$BASE/api/webhooks/mux" >"$d/$1.st" 2>"$d/$1.err" ||
	    echo 000 >"$d/$1.st" ) &
}

# ---- a webhook killed mid-transaction
e1=$(wh_mux_asset video.asset.live_stream_completed "K${RUN}a" ready false 11.5 "P${RUN}a" "ev-$RUN-1")
e2=$(wh_mux_asset video.asset.live_stream_completed "K${RUN}b" ready false 12.5 "P${RUN}b" "ev-$RUN-2")
m=$(master_of webhook-mux)
{ echo '.timeout 5000'; echo 'BEGIN IMMEDIATE;'; sleep 4; echo 'ROLLBACK;'; } |
    timeout 30 sqlite3 "$VIGIL_DB" >"$d/lock.out" 2>&1 &
lock_pid=$!
wait_for 5 lock_held || fail "the lock holder did not get the lock"
post w1 "$e1"
post w2 "$e2"
two_busy() { [ "$(busy_workers webhook-mux | grep -c .)" = 2 ]; }
wait_for 3 two_busy || fail "the two webhooks are not both in the workers' hands: busy $(busy_workers webhook-mux | tr '\n' ' ')"
victim=$(busy_workers webhook-mux | sed -n 1p)
kill -KILL "$victim"
echo "webhook-mux worker $victim killed while waiting for the lock"
wait "$lock_pid" || true
wait
w1=$(cat "$d/w1.st") w2=$(cat "$d/w2.st")
echo "answers: $w1 $w2"
case "$w1 $w2" in
"502 200") dead=1 ok=2 ;;
"200 502") dead=2 ok=1 ;;
*) fail "want one 502 (the killed worker's) and one 200, got $w1 $w2: $(cat "$d"/w*.b)" ;;
esac
[ "$(jq -r .code "$d/w$dead.b")" = unavailable ] ||
    fail "the 502 is not nginx's problem JSON: $(head -c 300 "$d/w$dead.b")"
[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id = 'ev-$RUN-$dead'")" = 0 ] ||
    fail "the killed request's event was stored"
[ "$(db "SELECT count(*) FROM recordings WHERE provider_id LIKE 'K${RUN}%'")" = 1 ] ||
    fail "want the one recording of the event acknowledged"
[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id = 'ev-$RUN-$ok'")" = 1 ] ||
    fail "the acknowledged event is not stored"
replaced() {
	[ "$(workers_of "$m" | grep -c .)" = 2 ] && ! workers_of "$m" | grep -qx "$victim"
}
wait_for 5 replaced || fail "the killed webhook-mux worker was not replaced"
# Mux re-sends what was not acknowledged.
[ "$dead" = 1 ] && f=$e1 || f=$e2
wh_mux_post "$f"
expect_status 200
expect_json '.duplicate // false' false
[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id LIKE 'ev-$RUN-%'")" = 2 ] ||
    fail "want both events stored once"
[ "$(db "SELECT count(*) FROM recordings WHERE provider_id LIKE 'K${RUN}%' AND state = 'ready'")" = 2 ] ||
    fail "want both recordings ready"

# ---- a create-whip killed mid-provisioning
fake_reset
fake_fault cf.live_input.create '{"delayMs": 3000, "times": 1}'
m=$(master_of create-whip)
key=k0721-$RUN
body="{\"memorialId\":\"$MEM\",\"title\":\"Killed create $RUN\"}"
printf '%s' "$body" >"$d/c.json"
( curl -sS -o "$d/c.b" -w '%{http_code}\n' --max-time 40 \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $OWNER_AUTH" \
    -H "Idempotency-Key: $key" --data-binary "@$d/c.json" \
    "$BASE/api/streams/create-whip" >"$d/c.st" 2>"$d/c.err" ||
    echo 000 >"$d/c.st" ) &
cpid=$!
in_flight() {
	[ "$(fake_requests | jq '[.[] | select(.op == "mux.live_stream.create")] | length')" -ge 1 ] &&
	    [ -n "$(busy_workers create-whip)" ]
}
wait_for 3 in_flight || fail "the create did not reach the providers"
victim=$(busy_workers create-whip | sed -n 1p)
kill -KILL "$victim"
echo "create-whip worker $victim killed while Cloudflare was answering"
wait "$cpid" || true
[ "$(cat "$d/c.st")" = 502 ] || fail "the killed create answered $(cat "$d/c.st"): $(head -c 300 "$d/c.b")"
[ "$(db "SELECT count(*) FROM streams WHERE title = 'Killed create $RUN'")" = 0 ] ||
    fail "the killed create stored a stream"
[ "$(db "SELECT count(*) FROM idempotency_keys WHERE key = '$key' AND stream_id IS NULL")" = 1 ] ||
    fail "the killed create's key is not pending"

AUTH=$OWNER_AUTH
api POST /api/streams/create-whip "@$d/c.json" -H "Idempotency-Key: $key"
expect_problem 409 conflict
# LIM_IDEM_STALE (60 s) later, as far as the key can tell.
db "UPDATE idempotency_keys SET created_at = created_at - 61 WHERE key = '$key'"
api POST /api/streams/create-whip "@$d/c.json" -H "Idempotency-Key: $key"
expect_status 201
[ -z "$(header Idempotent-Replayed)" ] || fail "the dead request was replayed"
sid=$(json .stream.id)
grep -q 'taken over' "$RUNDIR/log/create-whip.log" ||
    fail "the takeover was not logged"
api POST /api/streams/create-whip "@$d/c.json" -H "Idempotency-Key: $key"
expect_status 201
expect_header Idempotent-Replayed true
expect_json .stream.id "$sid"
[ "$(db "SELECT count(*) FROM streams WHERE title = 'Killed create $RUN'")" = 1 ] ||
    fail "want exactly one stream for the key"

# What the killed create had made stays at the providers.
sleep 3		# the fake's delayed answer, to a closed connection
state=$(fake GET /state)
o_cf=$(jq --arg s "$sid" '[.cf.liveInputs[] | select(.meta.vigilStreamId != $s)] | length' <<<"$state")
o_mux=$(jq --arg s "$sid" '[.mux.liveStreams[] | select(.passthrough != $s)] | length' <<<"$state")
echo "left at the providers by the killed create: $o_cf live input(s), $o_mux Mux live stream(s)"
[ "$o_cf" = 1 ] && [ "$o_mux" = 1 ] ||
    fail "expected exactly the killed create's live input and Mux stream: $(jq -c . <<<"$state" | head -c 800)"
