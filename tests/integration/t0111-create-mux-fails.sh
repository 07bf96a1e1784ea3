# t0111-create-mux-fails: when only Mux fails the stream is still made
# (SPEC §5 step 3): 201 with a warning, recordingSources without mux, no
# muxLiveStreamId, and no Mux stream left at the fake.  For obs, when
# the Cloudflare Output to Mux fails: 201 with a warning, the Mux live
# stream made for it is DELETEd (it would be an orphan nobody feeds),
# the live input and its RTMPS credentials stay.

mid=m0111-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0111\",\"ownerUid\":\"u0111-owner\"}"
expect_status 201
auth_as u0111-owner

# Mux refuses the live stream.
for m in whip_browser obs; do
	fake_reset
	fake_fault mux.live_stream.create '{"status": 400}'
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"No Mux $m\",\"streamingMethod\":\"$m\"}"
	expect_status 201
	id=$(json .stream.id)
	expect_json '.warnings | length' 1
	json '.warnings[0]' | grep -qi mux || fail "$m: the warning does not name Mux"
	expect_json '.stream.recordingSources | has("mux")' false
	expect_json '.stream.recordingSources | has("cloudflare")' true
	expect_json '.stream.muxLiveStreamId // "none"' none
	expect_json .stream.muxBackup false
	state=$(fake GET /state)
	[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
	    fail "$m: a Mux stream exists"
	[ "$(jq '.cf.outputs | length' <<<"$state")" = 0 ] ||
	    fail "$m: an Output was made without a Mux stream"
	[ "$(db "select coalesce(mux_stream_id, '') from streams where id = '$id'")" = "" ] ||
	    fail "$m: a Mux stream id is stored"
done

# obs: the Output to Mux fails (400: not retried).
fake_reset
fake_fault cf.output.create '{"status": 400}'
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"No Output\",\"streamingMethod\":\"obs\"}"
expect_status 201
id=$(json .stream.id)
cf_uid=$(json .stream.cloudflareInputId)
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi mux || fail "Output: the warning does not name Mux"
expect_json '.stream.recordingSources | keys | join(",")' cloudflare
expect_json '.stream.muxLiveStreamId // "none"' none
expect_json .stream.simulcastEnabled false
[ -n "$(json '.stream.streamKey // empty')" ] || fail "Output: obs lost its streamKey"
fake_requests >"$CASE_TMP/reqs"
[ "$(jq '[.[] | select(.op == "cf.output.create")] | length' "$CASE_TMP/reqs")" = 1 ] ||
    fail "Output: want one Output attempt"
[ "$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' "$CASE_TMP/reqs")" = 1 ] ||
    fail "Output: the Mux stream was not DELETEd"
state=$(fake GET /state)
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "Output: the Mux live stream was left behind"
[ "$(jq -r '[.cf.liveInputs[].uid] | join(",")' <<<"$state")" = "$cf_uid" ] ||
    fail "Output: the live input should stay"
[ "$(db "select coalesce(mux_stream_id, '') || '|' || coalesce(cf_output_id, '') from streams where id = '$id'")" = "|" ] ||
    fail "Output: Mux or Output ids stored for a stream without them"
