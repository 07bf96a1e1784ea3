# t0201-mux-lifecycle: a broadcast's Mux events, signed and in the order
# Mux sends them (PROVIDERS §2.5), move the ledger the way SPEC §5/§6 say:
# connected/recording record the active asset, active makes the stream
# live, disconnected/idle never complete it, asset.ready (is_live true,
# mid-broadcast) does NOT make the recording available, and
# asset.live_stream_completed does: recordingSources.mux available with
# https://stream.mux.com/{playbackId}.m3u8 and the duration, preferred
# source mux (Cloudflare has nothing ready), playback.replay its URL.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)

wh_list
expect_json '.streams[0].status' ready
expect_json '.streams[0].recordingSources.mux.available' false
expect_json '.streams[0].recordingSources.cloudflare.available' false
expect_json '.streams[0].preferredRecordingSource' null
expect_json '.streams[0].playback.replay' null

# The mux recording row: state|playback_url|duration
mux_row() {
	db "SELECT state || '|' || coalesce(playback_url, '') || '|' ||
	    coalesce(duration, '') FROM recordings
	    WHERE stream_id = '$SID' AND source = 'mux'
	    AND provider_id = '$ASSET'"
}
status_now() {
	db "SELECT status FROM streams WHERE id = '$SID'"
}
send() {
	wh_mux_post "$1"
	expect_status 200
	expect_json .received true
	[ "$(json '.duplicate // false')" = false ] ||
	    fail "a first delivery was taken for a duplicate"
}

send "$(wh_mux_ls video.live_stream.connected connected "$ASSET")"
[ "$(status_now)" = ready ] || fail "connected alone made the stream $(status_now)"
[ "$(mux_row)" = "recording||" ] || fail "after connected: '$(mux_row)'"

send "$(wh_mux_ls video.live_stream.recording recording "$ASSET")"
[ "$(status_now)" = ready ] || fail "recording made the stream $(status_now)"
[ "$(mux_row)" = "recording||" ] || fail "after recording: '$(mux_row)'"

send "$(wh_mux_ls video.live_stream.active active "$ASSET")"
[ "$(status_now)" = live ] || fail "active left the stream $(status_now)"
[ -n "$(db "SELECT started_at FROM streams WHERE id = '$SID'")" ] ||
    fail "live without started_at"
wh_list
expect_json '.streams[0].status' live
expect_json '.streams[0].startedAt | type' string

send "$(wh_mux_ls video.live_stream.disconnected disconnected "$ASSET")"
[ "$(status_now)" = live ] || fail "disconnected made the stream $(status_now)"
send "$(wh_mux_ls video.live_stream.idle idle)"
[ "$(status_now)" = live ] || fail "idle made the stream $(status_now)"
[ -z "$(db "SELECT ended_at FROM streams WHERE id = '$SID'")" ] ||
    fail "a provider event set ended_at"

send "$(wh_mux_asset video.asset.created "$ASSET" preparing true)"
[ "$(mux_row)" = "recording||" ] || fail "after asset.created: '$(mux_row)'"

# asset.ready fires mid-broadcast: playable as it records, not a replay.
send "$(wh_mux_asset video.asset.ready "$ASSET" ready true 30.5 "$PB")"
[ "$(mux_row | cut -d'|' -f1)" = recording ] ||
    fail "asset.ready with is_live true moved the recording: '$(mux_row)'"
wh_list
expect_json '.streams[0].recordingSources.mux.available' false
expect_json '.streams[0].recordingSources.mux.state' recording
expect_json '.streams[0].preferredRecordingSource' null
expect_json '.streams[0].playback.replay' null

send "$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false \
    3721.4 "$PB")"
[ "$(mux_row)" = "ready|https://stream.mux.com/$PB.m3u8|3721.4" ] ||
    fail "after live_stream_completed: '$(mux_row)'"
[ "$(db "SELECT count(*) FROM recordings WHERE stream_id = '$SID'")" = 1 ] ||
    fail "expected exactly one recording row"

wh_list
expect_json '.streams[0].status' live
expect_json '.streams[0].endedAt' null
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.playbackUrl' \
    "https://stream.mux.com/$PB.m3u8"
expect_json '.streams[0].recordingSources.mux.duration' 3721.4
expect_json '.streams[0].recordingSources.mux.state' ready
expect_json '.streams[0].recordingSources.mux.recordings | length' 1
expect_json '.streams[0].recordingSources.mux.recordings[0].state' ready
expect_json '.streams[0].recordingSources.mux.recordings[0].providerId // "hidden"' hidden
expect_json '.streams[0].recordingSources.cloudflare.available' false
expect_json '.streams[0].recordingSources.local.available' false
expect_json '.streams[0].preferredRecordingSource' mux
expect_json '.streams[0].playback.replay' "https://stream.mux.com/$PB.m3u8"

# Every event was recorded once for dedupe.
[ "$(db "SELECT count(*) FROM webhook_events WHERE provider = 'mux'
    AND received_at > 0")" -ge 8 ] || fail "webhook_events misses events"
