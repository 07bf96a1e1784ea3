# t0115-create-idempotency-concurrent: a retry that arrives while the
# first request with the same Idempotency-Key is still provisioning
# (SPEC §5) creates nothing: 409 conflict, and the providers see one
# live input and one live stream only; once the first is done, the
# retry replays it.

mid=m0115-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0115\",\"ownerUid\":\"u0115-owner\"}"
expect_status 201
auth_as u0115-owner
body="{\"memorialId\":\"$mid\",\"title\":\"Twice at once\"}"
key=k0115-$RANDOM

trap 'fake POST /config "{\"delayMs\":0}" >/dev/null 2>&1 || true' EXIT
fake_reset
fake POST /config '{"delayMs":600}' >/dev/null

# The first request, in the background (its own files).
first=$CASE_TMP/first
curl -sS -o "$first.body" -w '%{http_code}' --max-time 40 \
    -H "Authorization: Bearer $AUTH" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $key" --data-binary "$body" \
    "$BASE/api/streams/create-whip" >"$first.status" 2>"$first.err" &
pid=$!
# The second, once the first holds the key and waits on the providers
# (the fake records a request only once it has answered it).
in_flight() {
	[ "$(db "select count(*) from idempotency_keys where key = '$key' and stream_id is null")" = 1 ]
}
wait_for 10 in_flight || fail "the first request never took the key"
api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $key"
second=$STATUS
cp "$BODY" "$CASE_TMP/second.body"
wait "$pid" || fail "the first request failed: $(cat "$first.err")"
[ "$(cat "$first.status")" = 201 ] ||
    fail "the first request: $(cat "$first.status") $(head -c 500 "$first.body")"
id=$(jq -r .stream.id "$first.body")
[ "$second" = 409 ] || fail "the concurrent retry: want 409, got $second $(head -c 500 "$CASE_TMP/second.body")"
[ "$(jq -r .code "$CASE_TMP/second.body")" = conflict ] || fail "the concurrent retry's code"

fake POST /config '{"delayMs":0}' >/dev/null
fake_requests >"$CASE_TMP/reqs"
[ "$(jq -r '[.[].op] | sort | join(",")' "$CASE_TMP/reqs")" = \
    "cf.live_input.create,mux.live_stream.create" ] ||
    fail "provider requests: $(jq -c '[.[].op]' "$CASE_TMP/reqs")"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 1 ] ||
    fail "want one stream stored"

# Now the retry replays the first.
api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $key"
expect_status 201
expect_header Idempotent-Replayed '^true$'
expect_json .stream.id "$id"
