# t0104-create-mux-whip: mux_whip exists only with
# VIGIL_EXPERIMENTAL_MUX_WHIP=1 (SPEC §2).  Without it: 400
# method_unavailable and no provider request.  With it: 201,
# experimental:true, whipUrl https://global-live.mux.com/app/{key}/whip
# with the Mux live stream's key, a Mux recording source only, and no
# Cloudflare live input.

mid=m0104-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0104\",\"ownerUid\":\"u0104-owner\"}"
expect_status 201
body="{\"memorialId\":\"$mid\",\"title\":\"Mux direct\",\"streamingMethod\":\"mux_whip\"}"

fake_reset
auth_as u0104-owner
api POST /api/streams/create-whip "$body"
expect_problem 400 method_unavailable
[ "$(fake_requests | jq length)" = 0 ] ||
    fail "a refused mux_whip still called a provider"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 0 ] ||
    fail "a refused mux_whip stored a stream"

restart_stack_with VIGIL_EXPERIMENTAL_MUX_WHIP=1
fake_reset
api POST /api/streams/create-whip "$body"
expect_status 201
expect_json .stream.streamingMethod mux_whip
expect_json .stream.experimental true
mux_id=$(json .stream.muxLiveStreamId)
whip=$(json .stream.whipUrl)
expect_json '.stream.cloudflareInputId // "none"' none
expect_json '.stream.publishToken // "none"' none
expect_json '.stream.recordingSources | keys | join(",")' mux
key=$(fake GET /state | jq -r --arg m "$mux_id" '.mux.liveStreams[] | select(.id == $m) | .stream_key')
[ -n "$key" ] || fail "no Mux live stream $mux_id at the fake"
printf '%s\n' "$key" >>"$IT_TMP/secrets"
[ "$whip" = "https://global-live.mux.com/app/$key/whip" ] ||
    fail "whipUrl '$whip' is not Mux's WHIP URL for the stream key"
[ "$(fake_requests | jq -r '[.[].op] | join(",")')" = mux.live_stream.create ] ||
    fail "mux_whip made other provider requests: $(fake_requests | jq -c '[.[].op]')"
[ "$(db "select experimental from streams where memorial_id = '$mid'")" = 1 ] ||
    fail "the stream is not stored as experimental"
