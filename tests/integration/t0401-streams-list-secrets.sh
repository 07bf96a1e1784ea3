# t0401-streams-list-secrets: GET /api/streams?memorialId=... (SPEC §4,
# §5).  Anonymous callers and signed-in outsiders get the public view:
# no whipUrl, publishToken, streamKey, rtmpsUrl, muxLiveStreamId,
# cloudflareInputId (nor a recording's providerId) keys anywhere, and
# none of the secret values handed out at creation (publish token,
# RTMPS stream keys, the Cloudflare WHIP URL, the Mux stream keys, the
# Mux live stream id) in the text.  The owner and a director get the full view (credentials
# and provider ids), yet never a publish token: only its hash is kept.

mid=m0401-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0401\",\"ownerUid\":\"u0401-owner\",\"directorUids\":[\"u0401-dir\"]}"
expect_status 201

fake_reset
auth_as u0401-owner
secrets=$CASE_TMP/secrets
: >"$secrets"
for m in whip_browser obs cloudflare_whip; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"List $m\",\"streamingMethod\":\"$m\"}"
	expect_status 201
	jq -r '.stream | .publishToken, .streamKey, .muxLiveStreamId,
	    (select(.streamingMethod == "cloudflare_whip") | .whipUrl) |
	    select(. != null)' "$BODY" >>"$secrets"
done
# What the providers hold for these streams: RTMPS/SRT keys, the
# Cloudflare WHIP URLs, the Mux stream keys.
fake GET /state | jq -r '.cf.liveInputs[] | .rtmps.streamKey,
    .srt.passphrase, .webRTC.url' >>"$secrets"
fake GET /state | jq -r '.mux.liveStreams[] | .stream_key, .id' >>"$secrets"
[ "$(grep -c . "$secrets")" -ge 12 ] || fail "collected too few secrets: $(cat "$secrets")"
cat "$secrets" >>"$IT_TMP/secrets"

no_secrets() {
	# no_secrets WHO: the last listing is the public view.
	expect_status 200
	jq -e '[.. | objects | keys[]] |
	    any(. == "whipUrl" or . == "publishToken" or . == "streamKey" or
	        . == "rtmpsUrl" or . == "muxLiveStreamId" or
	        . == "cloudflareInputId" or . == "providerId") | not' \
	    "$BODY" >/dev/null ||
	    fail "$1: a secret field is listed: $(jq -c '[.. | objects | keys[]] | unique' "$BODY")"
	local s
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		! grep -qF -- "$s" "$BODY" || fail "$1: the listing holds a secret value"
	done <"$secrets"
}

no_auth
api GET "/api/streams?memorialId=$mid"
no_secrets anonymous
expect_json '.streams | length' 3
expect_json '[.streams[].streamingMethod] | sort | join(",")' cloudflare_whip,obs,whip_browser
# Public fields viewers need are there.
expect_json '[.streams[] | has("title") and has("status") and
    has("recordingSources") and has("playback")] | all' true
expect_json '.streams[] | select(.streamingMethod == "cloudflare_whip") | .playback.whep | test("^https://")' true

auth_as u0401-stranger
api GET "/api/streams?memorialId=$mid"
no_secrets "another user"

for who in u0401-owner u0401-dir; do
	auth_as "$who"
	api GET "/api/streams?memorialId=$mid"
	expect_status 200
	expect_json '.streams | length' 3
	expect_json '[.streams[] | select(.streamingMethod == "obs") |
	    (.streamKey | length > 0) and (.rtmpsUrl | length > 0) and
	    (.muxLiveStreamId | length > 0)] | all' true
	expect_json '[.streams[] | select(.streamingMethod != "obs") | .whipUrl |
	    length > 0] | all' true
	expect_json '[.streams[] | .cloudflareInputId | length > 0] | all' true
	expect_json '[.streams[] | .createdBy] | unique | join(",")' u0401-owner
	expect_json '[.. | objects | has("publishToken")] | any' false
done
