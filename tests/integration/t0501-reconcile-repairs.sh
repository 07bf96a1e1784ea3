# t0501-reconcile-repairs: a stream whose webhooks never came.  The
# providers know its recordings are ready (the fake holds a ready video
# for its live input, and a ready, no longer live asset with a public
# playback id on its Mux stream), Vigil does not.  `vigil reconcile`
# asks them (CF GET live_inputs/{uid}/videos; Mux GET live stream, then
# GET asset) and repairs the ledger as the webhooks would have: both
# sources ready with their URLs and durations, preferred cloudflare,
# replay its URL; it exits 0 and prints
# "reconcile: 1 streams checked, 2 changes, 0 errors".

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_fresh_db
wh_new_stream obs
PB=P$(openssl rand -hex 20)

video=$(fake POST /_fake/cf/videos \
    "{\"liveInput\":\"$CF_INPUT\",\"state\":\"ready\",\"duration\":1800.5}")
VUID=$(printf '%s' "$video" | jq -r '.uid // .result.uid')
HLS=$(printf '%s' "$video" | jq -r '(.playback // .result.playback).hls')
[[ -n $VUID && $VUID != null ]] || fail "the fake made no video: $video"
asset=$(fake POST /_fake/mux/assets \
    "{\"live_stream_id\":\"$MUX_ID\",\"status\":\"ready\",\"is_live\":false,\"duration\":1799.25,\"playback_ids\":[{\"id\":\"$PB\",\"policy\":\"public\"}]}")
AID=$(printf '%s' "$asset" | jq -r '.id // .data.id')
[[ -n $AID && $AID != null ]] || fail "the fake made no asset: $asset"

wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' false
expect_json '.streams[0].recordingSources.mux.available' false

since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
out=$(vigil reconcile 2>"$CASE_TMP/reconcile.err") ||
    fail "reconcile failed ($?): $out $(cat "$CASE_TMP/reconcile.err")"
[ "$out" = "reconcile: 1 streams checked, 2 changes, 0 errors" ] ||
    fail "reconcile said: $out"

wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' true
expect_json '.streams[0].recordingSources.cloudflare.playbackUrl' "$HLS"
expect_json '.streams[0].recordingSources.cloudflare.duration' 1800.5
expect_json '.streams[0].recordingSources.cloudflare.state' ready
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.playbackUrl' \
    "https://stream.mux.com/$PB.m3u8"
expect_json '.streams[0].recordingSources.mux.duration' 1799.25
expect_json '.streams[0].recordingSources.mux.state' ready
expect_json '.streams[0].preferredRecordingSource' cloudflare
expect_json '.streams[0].playback.replay' "$HLS"
# Reconciliation repairs recordings; it does not invent a broadcast.
expect_json '.streams[0].status' ready
[ "$(db "SELECT group_concat(provider_id, ' ') FROM (SELECT provider_id
    FROM recordings WHERE stream_id = '$SID' ORDER BY source)")" = \
    "$VUID $AID" ] || fail "recordings rows: $(db "SELECT * FROM recordings")"

# What it asked.
reqs=$(fake_requests "$since")
for want in "GET .*/stream/live_inputs/$CF_INPUT/videos" \
    "GET /video/v1/live-streams/$MUX_ID" "GET /video/v1/assets/$AID"; do
	printf '%s' "$reqs" | jq -r '.[] | "\(.method) \(.path)"' |
	    grep -Eq "^$want\$" || fail "reconcile did not ask: $want"
done
