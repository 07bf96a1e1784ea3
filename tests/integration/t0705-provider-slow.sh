# t0705-provider-slow: providers that answer slowly, near and past the
# time create-whip gives them (issue 6; lib/vlimits.h): a call may take
# LIM_TOTAL_TIMEOUT_MS (15 s), the optional Mux backup
# LIM_BACKUP_BUDGET_MS (8 s), the whole create LIM_CREATE_BUDGET_MS
# (20 s), and nginx waits 30 s for create-whip.
#   - Cloudflare answering in 12 s: 201 after ~12 s, with the Mux backup;
#   - Mux answering in 6 s: 201 with Mux;
#   - Mux answering in 9.5 s, past the backup's budget: 201 after ~8 s
#     without Mux and with a warning;
#   - Cloudflare answering in 16 s, past a call's timeout: 504
#     provider_timeout after ~15 s, the POST not sent twice, the Mux
#     stream DELETEd, no row stored.
# The slow answers that came too late were applied by the fake (the
# resource was made, the answer lost): those resources stay, the known
# gap t0704 describes, asserted exactly here too.

mid=m0705-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0705\",\"ownerUid\":\"u0705-owner\"}"
expect_status 201
auth_as u0705-owner

timed_create() {
	local t0
	t0=$(date +%s%N)
	api POST /api/streams/create-whip "$1"
	MS=$((($(date +%s%N) - t0) / 1000000))
	echo "$2: $STATUS after $MS ms"
}
within() {
	[ "$MS" -ge "$1" ] && [ "$MS" -lt "$2" ] ||
	    fail "$3: took $MS ms, want [$1, $2)"
}

# Cloudflare in 12 s.
fake_reset
fake_fault cf.live_input.create '{"delayMs": 12000}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"CF slow\"}" "Cloudflare in 12 s"
expect_status 201
expect_json '.warnings | length' 0
expect_json '.stream.recordingSources | keys | sort | join(",")' cloudflare,local,mux
within 11500 16000 "Cloudflare in 12 s"
state=$(fake GET /state)
[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 1 ] &&
    [ "$(jq '.mux.liveStreams | length' <<<"$state")" = 1 ] ||
    fail "want one live input and one Mux stream: $(jq -c . <<<"$state" | head -c 500)"

# Mux in 6 s.
fake_reset
fake_fault mux.live_stream.create '{"delayMs": 6000}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Mux slow\"}" "Mux in 6 s"
expect_status 201
expect_json '.warnings | length' 0
expect_json '.stream.recordingSources | has("mux")' true
within 5500 8000 "Mux in 6 s"

# Mux in 9.5 s: the backup is given up at 8 s.
fake_reset
fake_fault mux.live_stream.create '{"delayMs": 9500}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Mux too slow\"}" "Mux in 9.5 s"
expect_status 201
id=$(json .stream.id)
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi mux || fail "the warning does not name Mux"
expect_json '.stream.muxLiveStreamId // "none"' none
within 7500 9400 "Mux in 9.5 s"
sleep 2	# the fake records a request once it has answered it
[ "$(fake_requests | jq '[.[] | select(.op == "mux.live_stream.create")] | length')" = 1 ] ||
    fail "a POST that reached Mux was sent again"
state=$(fake GET /state)
[ "$(jq -r '[.mux.liveStreams[]] | .[0].passthrough // ""' <<<"$state")" = "$id" ] &&
    [ "$(jq '.mux.liveStreams | length' <<<"$state")" = 1 ] ||
    fail "expected the known gap (one Mux stream made, answer too late): $(jq -c .mux <<<"$state" | head -c 500)"
echo "KNOWN GAP: the Mux live stream whose answer came too late stays at Mux"

# Cloudflare in 16 s: a call's timeout.
fake_reset
fake_fault cf.live_input.create '{"delayMs": 16000}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"CF too slow\"}" "Cloudflare in 16 s"
expect_problem 504 provider_timeout
within 14500 20000 "Cloudflare in 16 s"
[ "$(db "SELECT count(*) FROM streams WHERE memorial_id = '$mid' AND title = 'CF too slow'")" = 0 ] ||
    fail "a stream was stored"
sleep 2
fake_requests >"$CASE_TMP/reqs"
[ "$(jq '[.[] | select(.op == "cf.live_input.create")] | length' "$CASE_TMP/reqs")" = 1 ] ||
    fail "a POST that reached Cloudflare was sent again"
[ "$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' "$CASE_TMP/reqs")" = 1 ] ||
    fail "the Mux stream made alongside was not DELETEd"
state=$(fake GET /state)
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "the Mux live stream was left behind"
[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 1 ] ||
    fail "expected the known gap (one live input made, answer too late): $(jq -c .cf <<<"$state" | head -c 500)"
echo "KNOWN GAP: the live input whose answer came too late stays at Cloudflare"

# Answered at once again.
fake_reset
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Fast again\"}" "no delay"
expect_status 201
[ "$MS" -lt 5000 ] || fail "took $MS ms with no delay"
