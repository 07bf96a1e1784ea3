# t0101-create-whip-browser: POST /api/streams/create-whip with the
# default method (whip_browser) and both providers configured (SPEC §2,
# §5): 201 with whipUrl = $VIGIL_PUBLIC_URL/whip/{id} and a publishToken
# of which only the SHA-256 is stored (the token is nowhere in the
# database files); the Cloudflare live input (automatic recording,
# non-zero reconnect timeout) and the Mux live stream (low/reduced
# latency, non-zero reconnect window, public new_asset_settings,
# passthrough = our id) were created at the providers and no Output.

mid=m0101-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0101\",\"ownerUid\":\"u0101-owner\"}"
expect_status 201

fake_reset
auth_as u0101-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Morning service\"}"
expect_status 201
expect_header Content-Type '^application/json'
expect_header Cache-Control '^no-store$'
expect_json .success true
expect_json .stream.streamingMethod whip_browser
expect_json .stream.status ready
expect_json .stream.memorialId "$mid"
expect_json .stream.title "Morning service"
expect_json .stream.createdBy u0101-owner
expect_json '.warnings | length' 0
id=$(json .stream.id)
[[ $id =~ ^[A-Za-z0-9_-]{1,64}$ ]] || fail "stream id '$id' is not an id"
expect_header Location "^/api/streams/$id\$"
expect_json .stream.whipUrl "$VIGIL_PUBLIC_URL/whip/$id"
tok=$(json '.stream.publishToken // empty')
[ ${#tok} -ge 32 ] || fail "publishToken missing or short: '$tok'"
printf '%s\n' "$tok" >>"$IT_TMP/secrets"
expect_json '.stream.recordingSources | keys | sort | join(",")' \
    cloudflare,local,mux
expect_json '[.stream.recordingSources[].available] | any' false
expect_json .stream.simulcastEnabled true
expect_json .stream.muxBackup true
cf_uid=$(json .stream.cloudflareInputId)
mux_id=$(json .stream.muxLiveStreamId)
# whip_browser never shows the Cloudflare RTMPS credentials: the relay
# uses them.
expect_json '.stream | has("streamKey") or has("rtmpsUrl")' false

# Only the token's SHA-256 is kept, and the token nowhere.
want=$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)
got=$(db "select publish_token_hash from streams where id = '$id'")
[ "$got" = "$want" ] || fail "stored hash '$got' is not sha256(token) '$want'"
for f in "$VIGIL_DB" "$VIGIL_DB-wal" "$VIGIL_DB-shm"; do
	[ -e "$f" ] || continue
	if grep -aqF -- "$tok" "$f"; then
		fail "the publish token is stored in $f"
	fi
done
[ "$(db "select count(*) from streams where id = '$id' and memorial_id = '$mid' and method = 'whip_browser' and status = 'ready'")" = 1 ] ||
    fail "the stream row is not as answered"
[ "$(db "select cf_input_id || ' ' || mux_stream_id from streams where id = '$id'")" = "$cf_uid $mux_id" ] ||
    fail "provider ids stored differ from the answer"

# What the providers received.
reqs=$(fake_requests)
printf '%s' "$reqs" >"$CASE_TMP/reqs"
[ "$(jq -r '[.[].op] | sort | join(",")' "$CASE_TMP/reqs")" = \
    "cf.live_input.create,mux.live_stream.create" ] ||
    fail "provider requests: $(jq -c '[.[].op]' "$CASE_TMP/reqs")"
jq -e 'all(.[]; .auth.valid)' "$CASE_TMP/reqs" >/dev/null ||
    fail "a provider request was not authenticated"
cf=$(jq -c '.[] | select(.op == "cf.live_input.create")' "$CASE_TMP/reqs")
[ "$(jq -r .path <<<"$cf")" = "/client/v4/accounts/$CLOUDFLARE_ACCOUNT_ID/stream/live_inputs" ] ||
    fail "live input created at $(jq -r .path <<<"$cf")"
jq -e '.body.recording.mode == "automatic" and
    (.body.recording.timeoutSeconds | type == "number" and . > 0)' \
    <<<"$cf" >/dev/null || fail "live input body: $(jq -c .body <<<"$cf")"
mux=$(jq -c '.[] | select(.op == "mux.live_stream.create")' "$CASE_TMP/reqs")
jq -e --arg id "$id" '
    (.body.latency_mode == "low" or .body.latency_mode == "reduced") and
    (.body.reconnect_window | type == "number" and . > 0) and
    (.body.new_asset_settings.playback_policy | index("public")) != null and
    .body.passthrough == $id' <<<"$mux" >/dev/null ||
    fail "Mux live stream body: $(jq -c .body <<<"$mux")"

# The answer's ids are the ones the providers made.
state=$(fake GET /state)
[ "$(jq -r '.cf.liveInputs[0].uid' <<<"$state")" = "$cf_uid" ] ||
    fail "cloudflareInputId is not the fake's live input"
[ "$(jq -r '.mux.liveStreams[0].id' <<<"$state")" = "$mux_id" ] ||
    fail "muxLiveStreamId is not the fake's live stream"
[ "$(jq -r '.cf.outputs | length' <<<"$state")" = 0 ] ||
    fail "whip_browser made a Cloudflare Output"
# The relay's RTMPS keys are secrets too (t0990 checks the logs).
jq -r '.cf.liveInputs[0].rtmps.streamKey, .mux.liveStreams[0].stream_key' \
    <<<"$state" >>"$IT_TMP/secrets"
