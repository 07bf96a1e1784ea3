# t0110-create-retries: provider calls are retried on 429/5xx (SPEC §5
# step 3).  A single 503 from Cloudflare, then success: 201 and the fake
# saw exactly 2 create attempts.  A 429 with Retry-After: 1 from
# Cloudflare, then success: 201, 2 attempts, the second one sent no
# sooner than the provider asked (by the fake's own clock).  The same
# for Mux: a single 503 does not lose the Mux backup.

mid=m0110-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0110\",\"ownerUid\":\"u0110-owner\"}"
expect_status 201
auth_as u0110-owner

attempts() {
	jq "[.[] | select(.op == \"$1\")] | length" "$CASE_TMP/reqs"
}

# 503 once, then the live input is made.
fake_reset
fake_fault cf.live_input.create '{"status": 503, "times": 1}'
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Retry 503\"}"
expect_status 201
expect_json '.warnings | length' 0
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts cf.live_input.create)" = 2 ] ||
    fail "503 once: want 2 live input attempts, got $(attempts cf.live_input.create)"
[ "$(jq -r '[.[] | select(.op == "cf.live_input.create") | .status] | join(",")' "$CASE_TMP/reqs")" = 503,200 ] ||
    fail "503 once: attempts answered $(jq -c '[.[].status]' "$CASE_TMP/reqs")"
[ "$(json .stream.cloudflareInputId)" = "$(fake GET /state | jq -r '.cf.liveInputs[0].uid')" ] ||
    fail "503 once: the answer is not the live input made on retry"
[ "$(fake GET /state | jq '.cf.liveInputs | length')" = 1 ] ||
    fail "503 once: more than one live input exists"

# 429 with Retry-After: 1, then the live input is made.
fake_reset
fake_fault cf.live_input.create '{"status": 429, "retryAfter": 1, "times": 1}'
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Retry 429\"}"
expect_status 201
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts cf.live_input.create)" = 2 ] ||
    fail "429: want 2 live input attempts, got $(attempts cf.live_input.create)"
gap=$(jq '[.[] | select(.op == "cf.live_input.create") | .t] | .[1] - .[0]' "$CASE_TMP/reqs")
[ "$gap" -ge 900 ] || fail "429 Retry-After: 1 was not honoured (retried after $gap ms)"
expect_json '.stream.recordingSources | keys | sort | join(",")' cloudflare,local,mux

# Mux 503 once: the backup is still there.
fake_reset
fake_fault mux.live_stream.create '{"status": 503, "times": 1}'
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Mux retry\"}"
expect_status 201
expect_json '.warnings | length' 0
expect_json '.stream.recordingSources | has("mux")' true
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts mux.live_stream.create)" = 2 ] ||
    fail "Mux 503 once: want 2 attempts, got $(attempts mux.live_stream.create)"
[ "$(fake GET /state | jq '.mux.liveStreams | length')" = 1 ] ||
    fail "Mux 503 once: want exactly one Mux live stream"
