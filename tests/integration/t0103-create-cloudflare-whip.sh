# t0103-create-cloudflare-whip: streamingMethod cloudflare_whip (SPEC §1,
# §2): whipUrl is the live input's Cloudflare webRTC.url, whepUrl its
# webRTCPlayback.url, recordingSources is {} (Cloudflare records no WHIP
# input) and a warning says nothing is recorded; no Mux stream is made,
# and asking for Mux backup adds a warning rather than an orphan.

mid=m0103-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0103\",\"ownerUid\":\"u0103-owner\"}"
expect_status 201

fake_reset
auth_as u0103-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Direct\",\"streamingMethod\":\"cloudflare_whip\"}"
expect_status 201
expect_json .stream.streamingMethod cloudflare_whip
cf_uid=$(json .stream.cloudflareInputId)
whip=$(json .stream.whipUrl)
whep=$(json .stream.whepUrl)
expect_json '.stream.recordingSources' '{}'
expect_json '.stream.recordingSources | length' 0
expect_json '.stream.publishToken // "none"' none
expect_json '.stream.muxLiveStreamId // "none"' none
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi 'record' ||
    fail "the warning does not say that nothing is recorded"
printf '%s\n' "$whip" >>"$IT_TMP/secrets"

state=$(fake GET /state)
li=$(jq -c --arg u "$cf_uid" '.cf.liveInputs[] | select(.uid == $u)' <<<"$state")
[ -n "$li" ] || fail "no live input $cf_uid at the fake"
[ "$whip" = "$(jq -r .webRTC.url <<<"$li")" ] ||
    fail "whipUrl '$whip' is not the live input's webRTC.url"
[ "$whep" = "$(jq -r .webRTCPlayback.url <<<"$li")" ] ||
    fail "whepUrl '$whep' is not the live input's webRTCPlayback.url"
[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
    fail "cloudflare_whip made a Mux live stream"
[ "$(fake_requests | jq -r '[.[].op] | join(",")')" = cf.live_input.create ] ||
    fail "cloudflare_whip made other provider requests"

# Mux backup cannot apply: a second warning, still no Mux stream.
fake_reset
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Direct 2\",\"streamingMethod\":\"cloudflare_whip\",\"muxBackup\":true}"
expect_status 201
expect_json '.warnings | length' 2
expect_json '.stream.recordingSources | length' 0
[ "$(fake GET /state | jq '.mux.liveStreams | length')" = 0 ] ||
    fail "muxBackup:true made a Mux live stream for cloudflare_whip"
