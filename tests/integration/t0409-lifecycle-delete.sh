# t0409-lifecycle-delete: DELETE /api/streams/{id} (SPEC §5) ends the
# stream, then removes its provider resources: 204, the fake saw the
# Mux stream completed, then DELETE of the Cloudflare live input and of
# the Mux live stream, and holds neither; the stream stays in the
# listing (recordings are kept) as completed; a second DELETE is 204
# and calls no provider; lifecycle actions on it are 409.  Anonymous:
# 401, an outsider: 403, nothing removed.  A provider failing the
# removal: 502, and the stream is not marked deleted (retry works).

mid=m0409-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0409\",\"ownerUid\":\"u0409-owner\"}"
expect_status 201

fake_reset
auth_as u0409-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Gone\",\"streamingMethod\":\"obs\"}"
expect_status 201
id=$(json .stream.id)
cf_uid=$(json .stream.cloudflareInputId)
mux_id=$(json .stream.muxLiveStreamId)
n=$(fake_requests | jq length)
# Indexes grow across resets: "since" is the next one, not a count.
since=$(fake_requests | jq '(map(.index) | max // -1) + 1')

no_auth
api DELETE "/api/streams/$id"
expect_problem 401 unauthenticated
auth_as u0409-stranger
api DELETE "/api/streams/$id"
expect_problem 403 forbidden
[ "$(fake_requests | jq length)" = "$n" ] || fail "a refused DELETE called a provider"
[ "$(db "select deleted_at is null from streams where id = '$id'")" = 1 ] ||
    fail "a refused DELETE marked the stream deleted"

auth_as u0409-owner
api DELETE "/api/streams/$id"
expect_status 204
[ ! -s "$BODY" ] || fail "204 with a body"
fake_requests "$since" >"$CASE_TMP/reqs"
ops=$(jq -r '[.[] | .method + " " + .path] | join("\n")' "$CASE_TMP/reqs")
[ "$(jq length "$CASE_TMP/reqs")" = 3 ] ||
    fail "DELETE: want complete + 2 removals, got: $ops"
printf '%s\n' "$ops" | grep -qx "DELETE /client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/stream/live_inputs/$cf_uid" ||
    fail "no DELETE of the live input: $ops"
printf '%s\n' "$ops" | grep -qx "DELETE /video/v1/live-streams/$mux_id" ||
    fail "no DELETE of the Mux live stream: $ops"
printf '%s\n' "$ops" | grep -qx "PUT /video/v1/live-streams/$mux_id/complete" ||
    fail "the Mux stream was not completed before removal: $ops"
c_idx=$(jq '[.[] | select(.op == "mux.live_stream.complete")][0].index' "$CASE_TMP/reqs")
d_idx=$(jq '[.[] | select(.op == "mux.live_stream.delete")][0].index' "$CASE_TMP/reqs")
[ "$c_idx" -lt "$d_idx" ] || fail "the Mux stream was deleted before it was completed"
state=$(fake GET /state)
[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 0 ] || fail "the live input is still there"
[ "$(jq '.cf.outputs | length' <<<"$state")" = 0 ] || fail "the Output is still there"
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] || fail "the Mux stream is still there"
[ "$(db "select deleted_at is not null and status = 'completed' from streams where id = '$id'")" = 1 ] ||
    fail "the row is not marked deleted and completed"

# Still listed, recordings kept.
no_auth
api GET "/api/streams?memorialId=$mid"
expect_status 200
expect_json '[.streams[].id] | join(",")' "$id"
expect_json '.streams[0].status' completed
expect_json '.streams[0].recordingSources | keys | sort | join(",")' cloudflare,mux
api GET "/api/streams/$id"
expect_status 200

# Again: nothing left to remove; the lifecycle is over.
auth_as u0409-owner
m=$(fake_requests | jq length)
api DELETE "/api/streams/$id"
expect_status 204
[ "$(fake_requests | jq length)" = "$m" ] || fail "a second DELETE called a provider"
api POST "/api/streams/$id/start"
expect_problem 409 conflict
api POST "/api/streams/$id/end"
expect_problem 409 conflict

# A provider failing the removal: 502 and not marked deleted; then ok.
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Stubborn\"}"
expect_status 201
id2=$(json .stream.id)
fake_fault cf.live_input.delete '{"status": 400, "times": 1}'
api DELETE "/api/streams/$id2"
expect_problem 502 provider_unavailable
[ "$(db "select deleted_at is null from streams where id = '$id2'")" = 1 ] ||
    fail "a failed removal marked the stream deleted"
api DELETE "/api/streams/$id2"
expect_status 204
[ "$(db "select deleted_at is not null from streams where id = '$id2'")" = 1 ] ||
    fail "the retried DELETE did not mark the stream deleted"
[ "$(fake GET /state | jq '(.cf.liveInputs | length) + (.mux.liveStreams | length)')" = 0 ] ||
    fail "provider resources left after the retried DELETE"
