# t0408-lifecycle-start-end: POST /api/streams/{id}/start marks the
# stream live (startedAt set), POST .../end marks it completed (endedAt
# set) and completes the Mux live stream (the fake saw PUT
# /video/v1/live-streams/{id}/complete) so its recording is final now;
# status only moves forward (start after end stays completed).
# Anonymous: 401; a signed-in outsider: 403; a director may; nothing
# changes on a refusal.  Unknown stream: 404; GET on /start: 405.

mid=m0408-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0408\",\"ownerUid\":\"u0408-owner\",\"directorUids\":[\"u0408-dir\"]}"
expect_status 201

auth_as u0408-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Life\"}"
expect_status 201
id=$(json .stream.id)
mux_id=$(json .stream.muxLiveStreamId)
status() { db "select status from streams where id = '$id'"; }

# Refusals first.
fake_reset
no_auth
for a in start end; do
	api POST "/api/streams/$id/$a"
	expect_problem 401 unauthenticated
done
auth_as u0408-stranger
for a in start end; do
	api POST "/api/streams/$id/$a"
	expect_problem 403 forbidden
done
[ "$(status)" = ready ] || fail "a refused request changed the status"
[ "$(fake_requests | jq length)" = 0 ] || fail "a refused request called a provider"

auth_as u0408-dir
api POST "/api/streams/$id/start"
expect_status 200
expect_json .stream.id "$id"
expect_json .stream.status live
[ "$(json .stream.startedAt)" != null ] || fail "startedAt not set"
[ "$(status)" = live ] || fail "not stored live"
[ "$(fake_requests | jq length)" = 0 ] || fail "start called a provider"

auth_as u0408-owner
api POST "/api/streams/$id/end"
expect_status 200
expect_json .stream.status completed
[ "$(json .stream.endedAt)" != null ] || fail "endedAt not set"
[ "$(status)" = completed ] || fail "not stored completed"
fake_requests >"$CASE_TMP/reqs"
[ "$(jq -r '[.[] | select(.op == "mux.live_stream.complete") | .method + " " + .path] | join(",")' "$CASE_TMP/reqs")" = \
    "PUT /video/v1/live-streams/$mux_id/complete" ] ||
    fail "end did not complete the Mux stream: $(jq -c '[.[] | .method + " " + .path]' "$CASE_TMP/reqs")"
# Ending keeps the provider resources (DELETE removes them).
[ "$(jq '[.[] | select(.method == "DELETE")] | length' "$CASE_TMP/reqs")" = 0 ] ||
    fail "end deleted provider resources"

# Forward only.
api POST "/api/streams/$id/start"
expect_status 200
expect_json .stream.status completed
[ "$(status)" = completed ] || fail "start moved a completed stream back"

# Listing shows it completed.
no_auth
api GET "/api/streams?memorialId=$mid"
expect_json '.streams[0].status' completed

auth_as u0408-owner
api POST /api/streams/no-such-stream-0408/start
expect_problem 404 not_found
api GET "/api/streams/$id/start"
expect_problem 405 method_not_allowed
api POST "/api/streams/$id/pause"
expect_problem 404 not_found
