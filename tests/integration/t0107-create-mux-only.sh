# t0107-create-mux-only: Mux configured, Cloudflare not.  whip_browser:
# local + mux sources (the relay pushes to Mux), no Cloudflare request;
# obs and cloudflare_whip: 400 method_unavailable and no provider
# request at all (no Mux stream left behind by a refused method).

mid=m0107-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0107\",\"ownerUid\":\"u0107-owner\"}"
expect_status 201

restart_stack_with -u CLOUDFLARE_API_TOKEN -u CLOUDFLARE_ACCOUNT_ID
fake_reset
auth_as u0107-owner

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Browser\"}"
expect_status 201
expect_json '.stream.recordingSources | keys | sort | join(",")' local,mux
expect_json '.stream.cloudflareInputId // "none"' none
expect_json .stream.simulcastEnabled true
expect_json '.warnings | length' 0
mux_id=$(json .stream.muxLiveStreamId)
id=$(json .stream.id)
# Viewers watch the local HLS without Cloudflare.
expect_json .stream.playback.liveHls "/media/$id/live.m3u8"

n=$(fake_requests | jq length)
for m in obs cloudflare_whip; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"$m\",\"streamingMethod\":\"$m\"}"
	expect_problem 400 method_unavailable
done

fake_requests >"$CASE_TMP/reqs"
[ "$(jq length "$CASE_TMP/reqs")" = "$n" ] ||
    fail "a refused method still called a provider"
[ "$(jq -r '[.[].op] | join(",")' "$CASE_TMP/reqs")" = mux.live_stream.create ] ||
    fail "provider requests: $(jq -c '[.[].op]' "$CASE_TMP/reqs")"
[ "$(fake GET /state | jq -r '[.mux.liveStreams[].id] | join(",")')" = "$mux_id" ] ||
    fail "want exactly the whip_browser stream's Mux stream at the fake"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 1 ] ||
    fail "want exactly 1 stream stored"
