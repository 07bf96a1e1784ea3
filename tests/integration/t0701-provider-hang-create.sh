# t0701-provider-hang-create: a provider that never answers one of the
# calls create-whip makes (issue 6; SPEC §5 step 3, §10).  t0116 covers
# the Cloudflare live input; here the other two:
#   - the Mux live stream (the optional backup of whip_browser) hangs:
#     the stream is created without it once the backup's own budget
#     (LIM_BACKUP_BUDGET_MS, 8 s) is spent -- 201, a warning naming Mux,
#     no muxLiveStreamId, the live input kept, no Mux stream at the fake;
#   - the Cloudflare Output to Mux (obs) hangs: it is given up within
#     the request's budget (LIM_CREATE_BUDGET_MS, 20 s) -- 201 with a
#     warning, the Mux stream made for it DELETEd, the live input and
#     its RTMPS key kept;
#   - the rollback's DELETE hangs (Cloudflare refused the live input, so
#     the Mux stream made alongside must go): the rollback is given up
#     after its own 5 s budget, 502 provider_unavailable all the same,
#     and the Mux stream it could not remove is logged as possibly
#     orphaned -- it stays at Mux (a KNOWN GAP: nothing retries a failed
#     rollback later), asserted exactly.
# No hang holds nginx near its 30 s fastcgi_read_timeout, and the
# program answers the next request at once.

mid=m0701-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0701\",\"ownerUid\":\"u0701-owner\"}"
expect_status 201
auth_as u0701-owner

# timed_create BODY: api POST create-whip, the time taken in $MS.
timed_create() {
	local t0
	t0=$(date +%s%N)
	api POST /api/streams/create-whip "$1"
	MS=$((($(date +%s%N) - t0) / 1000000))
}

# The Mux backup hangs.
fake_reset
fake_fault mux.live_stream.create '{"hang": true}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Mux hangs\"}"
echo "Mux create hanging: $STATUS after $MS ms"
expect_status 201
[ "$MS" -ge 7500 ] && [ "$MS" -lt 14000 ] ||
    fail "the Mux backup's budget is 8 s; the create took $MS ms"
id=$(json .stream.id)
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi mux || fail "the warning does not name Mux"
expect_json '.stream.muxLiveStreamId // "none"' none
expect_json '.stream.recordingSources | has("mux")' false
cf_uid=$(json .stream.cloudflareInputId)
state=$(fake GET /state)
[ "$(jq -r '[.cf.liveInputs[].uid] | join(",")' <<<"$state")" = "$cf_uid" ] ||
    fail "want exactly the stream's live input at Cloudflare: $(jq -c .cf <<<"$state")"
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "a Mux live stream exists although its create never answered"
[ "$(db "SELECT coalesce(mux_stream_id, '') || '|' || cf_input_id FROM streams WHERE id = '$id'")" = "|$cf_uid" ] ||
    fail "stored: $(db "SELECT mux_stream_id, cf_input_id FROM streams WHERE id = '$id'")"
[ "$(fake_requests | jq '[.[] | select(.op == "mux.live_stream.create")] | length')" = 1 ] ||
    fail "a POST that may have reached Mux was sent again"

# The next create is answered at once.
fake_reset
timed_create "{\"memorialId\":\"$mid\",\"title\":\"After the hang\"}"
expect_status 201
expect_json '.warnings | length' 0
[ "$MS" -lt 5000 ] || fail "the create after a hang took $MS ms"

# obs: the Output to Mux hangs.
fake_reset
fake_fault cf.output.create '{"hang": true}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Output hangs\",\"streamingMethod\":\"obs\"}"
echo "Output create hanging: $STATUS after $MS ms"
expect_status 201
[ "$MS" -lt 22000 ] || fail "the create took $MS ms, over its 20 s budget"
id=$(json .stream.id)
cf_uid=$(json .stream.cloudflareInputId)
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi mux || fail "the warning does not name Mux"
expect_json '.stream.muxLiveStreamId // "none"' none
expect_json .stream.simulcastEnabled false
[ -n "$(json '.stream.streamKey // empty')" ] || fail "obs lost its streamKey"
fake_requests >"$CASE_TMP/reqs"
made=$(jq -r '[.[] | select(.op == "mux.live_stream.create" and .status == 201)] | length' "$CASE_TMP/reqs")
[ "$made" = 1 ] || fail "want one Mux stream made for the Output, got $made"
[ "$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' "$CASE_TMP/reqs")" = 1 ] ||
    fail "the Mux stream made for the Output was not DELETEd"
state=$(fake GET /state)
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "the Mux live stream was left behind"
[ "$(jq '.cf.outputs | length' <<<"$state")" = 0 ] ||
    fail "an Output exists although its create never answered"
[ "$(jq -r '[.cf.liveInputs[].uid] | join(",")' <<<"$state")" = "$cf_uid" ] ||
    fail "the live input should stay, alone"
[ "$(db "SELECT coalesce(mux_stream_id, '') || '|' || coalesce(cf_output_id, '') FROM streams WHERE id = '$id'")" = "|" ] ||
    fail "Mux or Output ids stored for a stream without them"

fake_reset
timed_create "{\"memorialId\":\"$mid\",\"title\":\"After the Output hang\",\"streamingMethod\":\"obs\"}"
expect_status 201
expect_json '.warnings | length' 0
[ "$MS" -lt 5000 ] || fail "the create after a hang took $MS ms"

# A rollback's DELETE hangs.
fake_reset
fake_fault cf.live_input.create '{"status": 400}'
fake_fault mux.live_stream.delete '{"hang": true}'
timed_create "{\"memorialId\":\"$mid\",\"title\":\"Rollback hangs\"}"
echo "rollback DELETE hanging: $STATUS after $MS ms"
expect_problem 502 provider_unavailable
[ "$MS" -ge 4500 ] && [ "$MS" -lt 9000 ] ||
    fail "the rollback's budget is 5 s; the create took $MS ms"
[ "$(db "SELECT count(*) FROM streams WHERE memorial_id = '$mid' AND title = 'Rollback hangs'")" = 0 ] ||
    fail "a stream was stored"
grep -q 'rollback mux.live_stream.delete failed.*may be orphaned' "$RUNDIR/log/create-whip.log" ||
    fail "the failed rollback was not logged"
[ "$(fake GET /state | jq '.mux.liveStreams | length')" = 1 ] ||
    fail "expected the known gap (the Mux stream the rollback could not delete)"
echo "KNOWN GAP: a Mux stream whose rollback DELETE failed stays at Mux (logged only)"
fake_reset
timed_create "{\"memorialId\":\"$mid\",\"title\":\"After the rollback hang\"}"
expect_status 201
[ "$MS" -lt 5000 ] || fail "the create after a hang took $MS ms"
