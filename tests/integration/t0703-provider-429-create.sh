# t0703-provider-429-create: providers rate-limiting create-whip's calls
# with 429 and Retry-After (issue 6; t0110 covers Cloudflare's live
# input with Retry-After: 1).  The provider's wait is honoured, never
# shortened:
#   - Mux (the backup) 429, Retry-After: 2, once: retried after >= 2 s,
#     the stream has its Mux backup;
#   - Cloudflare's live input 429, Retry-After: 6, once: a wait longer
#     than our own longest backoff (LIM_RETRY_MAX_MS, 4 s) is still
#     honoured -- the retry comes after >= 6 s, within the 20 s budget;
#   - Cloudflare's live input 429, Retry-After: 30, more than the whole
#     budget: no early retry behind the provider's back, one attempt,
#     502 provider_unavailable answered at once, the Mux stream made
#     alongside DELETEd, no stream stored;
#   - the obs Output 429, Retry-After: 1, once: retried, the Output made.

mid=m0703-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0703\",\"ownerUid\":\"u0703-owner\"}"
expect_status 201
auth_as u0703-owner

timed_create() {
	local t0
	t0=$(date +%s%N)
	api POST /api/streams/create-whip "$1"
	MS=$((($(date +%s%N) - t0) / 1000000))
}
# attempts OP: "status,status,..." of OP's requests; gap OP: ms between
# the first two.
attempts() {
	jq -r "[.[] | select(.op == \"$1\") | .status] | join(\",\")" "$CASE_TMP/reqs"
}
gap() {
	jq "[.[] | select(.op == \"$1\") | .t] | .[1] - .[0]" "$CASE_TMP/reqs"
}

# Mux 429, Retry-After: 2.
fake_reset
fake_fault mux.live_stream.create '{"status": 429, "retryAfter": 2, "times": 1}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Mux 429\"}"
expect_status 201
expect_json '.warnings | length' 0
expect_json '.stream.recordingSources | has("mux")' true
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts mux.live_stream.create)" = 429,201 ] ||
    fail "Mux 429: attempts answered $(attempts mux.live_stream.create)"
[ "$(gap mux.live_stream.create)" -ge 1900 ] ||
    fail "Mux 429: Retry-After: 2 not honoured (retried after $(gap mux.live_stream.create) ms)"
[ "$(fake GET /state | jq '.mux.liveStreams | length')" = 1 ] ||
    fail "Mux 429: want exactly one Mux live stream"

# Cloudflare 429, Retry-After: 6 (beyond our own 4 s backoff cap).
fake_reset
fake_fault cf.live_input.create '{"status": 429, "retryAfter": 6, "times": 1}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"CF 429 six\"}"
echo "Cloudflare 429 Retry-After 6: $STATUS after $MS ms"
expect_status 201
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts cf.live_input.create)" = 429,200 ] ||
    fail "CF 429/6: attempts answered $(attempts cf.live_input.create)"
[ "$(gap cf.live_input.create)" -ge 5900 ] ||
    fail "CF 429/6: retried after $(gap cf.live_input.create) ms, before the 6 s asked"
[ "$MS" -lt 20000 ] || fail "CF 429/6: took $MS ms"
[ "$(fake GET /state | jq '.cf.liveInputs | length')" = 1 ] ||
    fail "CF 429/6: want exactly one live input"

# Cloudflare 429, Retry-After: 30 (beyond the whole budget).
fake_reset
fake_fault cf.live_input.create '{"status": 429, "retryAfter": 30}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"CF 429 thirty\"}"
echo "Cloudflare 429 Retry-After 30: $STATUS after $MS ms"
expect_problem 502 provider_unavailable
[ "$MS" -lt 5000 ] || fail "CF 429/30: waited $MS ms for a retry it cannot make"
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts cf.live_input.create)" = 429 ] ||
    fail "CF 429/30: retried before the provider's 30 s: $(attempts cf.live_input.create)"
state=$(fake GET /state)
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "CF 429/30: the Mux live stream was left behind"
[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 0 ] ||
    fail "CF 429/30: a live input exists"
[ "$(db "SELECT count(*) FROM streams WHERE memorial_id = '$mid' AND title = 'CF 429 thirty'")" = 0 ] ||
    fail "CF 429/30: a stream was stored"

# obs: the Output 429, Retry-After: 1.
fake_reset
fake_fault cf.output.create '{"status": 429, "retryAfter": 1, "times": 1}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Output 429\",\"streamingMethod\":\"obs\"}"
expect_status 201
expect_json '.warnings | length' 0
expect_json .stream.simulcastEnabled true
fake_requests >"$CASE_TMP/reqs"
[ "$(attempts cf.output.create)" = 429,200 ] ||
    fail "Output 429: attempts answered $(attempts cf.output.create)"
[ "$(gap cf.output.create)" -ge 900 ] ||
    fail "Output 429: Retry-After: 1 not honoured ($(gap cf.output.create) ms)"
[ "$(fake GET /state | jq '.cf.outputs | length')" = 1 ] ||
    fail "Output 429: want exactly one Output"
