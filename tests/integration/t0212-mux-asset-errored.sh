# t0212-mux-asset-errored: video.asset.errored marks that Mux recording
# failed (SPEC §5): listed with state failed, not available, no playback
# URL, nothing preferred, no replay.  An errored asset does not undo a
# ready one (states only move forward), so a stream with one ready and
# one errored recording still offers the ready one.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
BAD=A$(openssl rand -hex 20)
GOOD=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)

wh_mux_post "$(wh_mux_ls video.live_stream.recording recording "$BAD")"
expect_status 200
wh_mux_post "$(wh_mux_asset video.asset.errored "$BAD" errored false)"
expect_status 200
[ "$(db "SELECT state || '|' || coalesce(playback_url, '') FROM recordings
    WHERE provider_id = '$BAD'")" = "failed|" ] || fail "errored did not fail it"
wh_list
expect_json '.streams[0].recordingSources.mux.available' false
expect_json '.streams[0].recordingSources.mux.state' failed
expect_json '.streams[0].recordingSources.mux.recordings[0].state' failed
expect_json '.streams[0].preferredRecordingSource' null
expect_json '.streams[0].playback.replay' null

# The publisher reconnected past the window: a second asset, ready.
wh_mux_post "$(wh_mux_asset video.asset.live_stream_completed "$GOOD" ready \
    false 300 "$PB")"
expect_status 200
# A stray errored event for the ready one changes nothing.
wh_mux_post "$(wh_mux_asset video.asset.errored "$GOOD" errored false)"
expect_status 200
[ "$(db "SELECT state FROM recordings WHERE provider_id = '$GOOD'")" = ready ] ||
    fail "errored undid a ready recording"
wh_list
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.playbackUrl' \
    "https://stream.mux.com/$PB.m3u8"
expect_json '.streams[0].recordingSources.mux.recordings | length' 2
expect_json '.streams[0].preferredRecordingSource' mux
