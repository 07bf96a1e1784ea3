# t0404-streams-get-one: GET /api/streams/{id} (SPEC §5) answers one
# stream like the listing: the public view (no secret field or value)
# for anonymous callers and outsiders, the full view for the owner; the
# answer matches what the listing says; an unknown or malformed id is
# 404 not_found; other methods are 405.

mid=m0404-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0404\",\"ownerUid\":\"u0404-owner\"}"
expect_status 201

auth_as u0404-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"One\",\"streamingMethod\":\"obs\",\"scheduledAt\":\"2030-05-01T10:00:00Z\"}"
expect_status 201
id=$(json .stream.id)
key=$(json .stream.streamKey)
mux_id=$(json .stream.muxLiveStreamId)
cf_uid=$(json .stream.cloudflareInputId)
mux_key=$(fake GET /state | jq -r --arg m "$mux_id" '.mux.liveStreams[] | select(.id == $m) | .stream_key')
[ -n "$mux_key" ] || fail "no Mux stream at the fake"

for who in anonymous u0404-stranger; do
	if [ $who = anonymous ]; then no_auth; else auth_as $who; fi
	api GET "/api/streams/$id"
	expect_status 200
	expect_json .stream.id "$id"
	expect_json .stream.title One
	expect_json .stream.status ready
	expect_json .stream.scheduledAt 2030-05-01T10:00:00Z
	expect_json '.stream | has("whipUrl") or has("streamKey") or
	    has("rtmpsUrl") or has("muxLiveStreamId") or
	    has("cloudflareInputId") or has("publishToken")' false
	for s in "$key" "$mux_key" "$mux_id"; do
		! grep -qF -- "$s" "$BODY" || fail "$who: a secret value is shown"
	done
done
public=$(jq -c .stream "$BODY")

auth_as u0404-owner
api GET "/api/streams/$id"
expect_status 200
expect_json .stream.streamKey "$key"
expect_json .stream.muxLiveStreamId "$mux_id"
expect_json .stream.cloudflareInputId "$cf_uid"
[ -n "$(json '.stream.rtmpsUrl // empty')" ] || fail "owner view lacks rtmpsUrl"
expect_json '.stream | has("publishToken")' false

# One stream is the listing's entry, view for view.
no_auth
api GET "/api/streams?memorialId=$mid"
expect_status 200
[ "$(jq -c '.streams[0]' "$BODY")" = "$public" ] ||
    fail "GET one and the listing disagree"

for bad in no-such-stream-0404 "$(printf 'x%.0s' $(seq 65))" 'bad%20id' \
    "$id/extra" "$id/start/x"; do
	api GET "/api/streams/$bad"
	expect_problem 404 not_found
done
api PUT "/api/streams/$id" '{}'
expect_problem 405 method_not_allowed
api PATCH "/api/streams/$id" '{}'
expect_problem 405 method_not_allowed
