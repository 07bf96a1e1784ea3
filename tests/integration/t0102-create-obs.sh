# t0102-create-obs: streamingMethod obs (SPEC §2, §5): the operator gets
# the Cloudflare live input's RTMPS URL and stream key; Cloudflare
# forwards to Mux through an Output created at
# .../live_inputs/{uid}/outputs with url = MUX_RTMPS_URL and streamKey =
# the Mux live stream's key; recording sources cloudflare and mux, no
# local (the relay is not involved), no WHIP URL nor publish token.

mid=m0102-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0102\",\"ownerUid\":\"u0102-owner\"}"
expect_status 201

fake_reset
auth_as u0102-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"OBS service\",\"streamingMethod\":\"obs\"}"
expect_status 201
expect_json .stream.streamingMethod obs
expect_json '.warnings | length' 0
id=$(json .stream.id)
cf_uid=$(json .stream.cloudflareInputId)
mux_id=$(json .stream.muxLiveStreamId)
rtmps=$(json .stream.rtmpsUrl)
key=$(json .stream.streamKey)
expect_json '.stream.publishToken // "none"' none
expect_json '.stream.whipUrl // "none"' none
expect_json '.stream.recordingSources | keys | sort | join(",")' cloudflare,mux
expect_json .stream.simulcastEnabled true
printf '%s\n' "$key" >>"$IT_TMP/secrets"

state=$(fake GET /state)
printf '%s' "$state" >"$CASE_TMP/state"
li=$(jq -c --arg u "$cf_uid" '.cf.liveInputs[] | select(.uid == $u)' "$CASE_TMP/state")
[ -n "$li" ] || fail "no live input $cf_uid at the fake"
[ "$rtmps" = "$(jq -r .rtmps.url <<<"$li")" ] ||
    fail "rtmpsUrl '$rtmps' is not the live input's $(jq -r .rtmps.url <<<"$li")"
[ "$key" = "$(jq -r .rtmps.streamKey <<<"$li")" ] ||
    fail "streamKey is not the live input's RTMPS key"
mux_key=$(jq -r --arg m "$mux_id" '.mux.liveStreams[] | select(.id == $m) | .stream_key' "$CASE_TMP/state")
[ -n "$mux_key" ] || fail "no Mux live stream $mux_id at the fake"
printf '%s\n' "$mux_key" >>"$IT_TMP/secrets"

# The Output request, as the fake saw it.
fake_requests >"$CASE_TMP/reqs"
out=$(jq -c '[.[] | select(.op == "cf.output.create")]' "$CASE_TMP/reqs")
[ "$(jq length <<<"$out")" = 1 ] || fail "want one Output request, got: $out"
[ "$(jq -r '.[0].method' <<<"$out")" = POST ] || fail "Output not POSTed"
[ "$(jq -r '.[0].path' <<<"$out")" = \
    "/client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/stream/live_inputs/$cf_uid/outputs" ] ||
    fail "Output posted to $(jq -r '.[0].path' <<<"$out")"
[ "$(jq -r '.[0].body.url' <<<"$out")" = "$MUX_RTMPS_URL" ] ||
    fail "Output url $(jq -r '.[0].body.url' <<<"$out"), want $MUX_RTMPS_URL"
[ "$(jq -r '.[0].body.streamKey' <<<"$out")" = "$mux_key" ] ||
    fail "Output streamKey is not the Mux stream key"
[ "$(jq -r '.[0].status' <<<"$out")" = 200 ] || fail "the fake refused the Output"
# The Output exists at the fake, on this input; its id is stored.
out_uid=$(jq -r --arg u "$cf_uid" '.cf.outputs[] | select(.liveInput == $u) | .uid' "$CASE_TMP/state")
[ -n "$out_uid" ] || fail "no Output on the live input"
[ "$(db "select cf_output_id from streams where id = '$id'")" = "$out_uid" ] ||
    fail "the Output id is not stored with the stream"
