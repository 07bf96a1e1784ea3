# t0303-cf-video-ready: the docs' verbatim "successful encoding" video
# webhook (PROVIDERS §1.6 A), with liveInput set to the stream's real
# live input and signed with Webhook-Signature, makes the Cloudflare
# recording available: recordingSources.cloudflare {available: true,
# playbackUrl: playback.hls, duration 5.5, state ready}.  The Mux
# recording of the same stream was ready first (preferred mux until
# then); once Cloudflare's is ready it is preferred (SPEC §6: Cloudflare,
# then Mux, then local) and playback.replay is its URL.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)
HLS=$(jq -r .cloudflare.stream_webhook_video_ready.body.playback.hls "$WH_VECTORS")
UID0=$(jq -r .cloudflare.stream_webhook_video_ready.body.uid "$WH_VECTORS")

wh_mux_post "$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready \
    false 7.25 "$PB")"
expect_status 200
wh_list
expect_json '.streams[0].preferredRecordingSource' mux
expect_json '.streams[0].recordingSources.cloudflare.available' false

f=$(wh_cf_video_ready "$CF_INPUT")
# The payload is the verbatim one, but for liveInput.
[ "$(jq -S 'del(.liveInput)' "$f")" = \
    "$(jq -S .cloudflare.stream_webhook_video_ready.body "$WH_VECTORS")" ] ||
    fail "the test payload is not the docs' payload"
wh_cf_post "$f"
expect_status 200
expect_json .received true
[ "$(db "SELECT source || ' ' || state || ' ' || playback_url || ' ' || duration
    FROM recordings WHERE provider_id = '$UID0'")" = \
    "cloudflare ready $HLS 5.5" ] || fail "the recording row is wrong"

wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' true
expect_json '.streams[0].recordingSources.cloudflare.playbackUrl' "$HLS"
expect_json '.streams[0].recordingSources.cloudflare.duration' 5.5
expect_json '.streams[0].recordingSources.cloudflare.state' ready
expect_json '.streams[0].recordingSources.cloudflare.recordings | length' 1
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.playbackUrl' \
    "https://stream.mux.com/$PB.m3u8"
expect_json '.streams[0].preferredRecordingSource' cloudflare
expect_json '.streams[0].playback.replay' "$HLS"
# A video webhook is about the recording, not about being live.
expect_json '.streams[0].status' ready

# The same for the owner's full view.
api GET "/api/streams/$SID"
expect_status 200
expect_json .stream.preferredRecordingSource cloudflare
expect_json .stream.recordingSources.cloudflare.recordings[0].providerId "$UID0"
