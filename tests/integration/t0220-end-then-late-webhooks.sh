# t0220-end-then-late-webhooks: POST /api/streams/{id}/end completes the
# stream (SPEC §5 Lifecycle): status completed with endedAt, and the fake
# Mux saw PUT /video/v1/live-streams/{id}/complete to finalise the
# recording.  Webhooks that arrive afterwards (Mux connected/active,
# Cloudflare live_input.connected) never bring the stream back to live,
# while the recording's late asset.live_stream_completed still makes the
# Mux replay available.  Ending again is harmless and asks Mux nothing.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
OWNER_AUTH=$AUTH
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)
wh_mux_post "$(wh_mux_ls video.live_stream.active active "$ASSET")"
expect_status 200
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = live ] ||
    fail "active did not make the stream live"

since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
AUTH=$OWNER_AUTH
api POST "/api/streams/$SID/end"
expect_status 200
expect_json .stream.status completed
[ "$(json .stream.endedAt)" != null ] || fail "no endedAt after end"
ended=$(db "SELECT ended_at FROM streams WHERE id = '$SID'")
[ -n "$ended" ] || fail "ended_at not stored"
completes=$(fake_requests "$since" | jq --arg p "/video/v1/live-streams/$MUX_ID/complete" \
    '[.[] | select(.method == "PUT" and .path == $p)] | length')
[ "$completes" = 1 ] || fail "the fake saw $completes PUT .../complete"

# Late provider events.
wh_mux_post "$(wh_mux_ls video.live_stream.connected connected "$ASSET")"
expect_status 200
wh_mux_post "$(wh_mux_ls video.live_stream.active active "$ASSET")"
expect_status 200
f=$(wh_file)
jq -c --arg in "$CF_INPUT" '.cloudflare.notification_live_input_disconnected.body
    | .data.input_id = $in | .data.event_type = "live_input.connected"' \
    "$WH_VECTORS" >"$f"
wh_cf_notify "$f"
expect_status 200
[ "$(db "SELECT status || ' ' || ended_at FROM streams WHERE id = '$SID'")" = \
    "completed $ended" ] || fail "a late event moved the stream: $(db "SELECT status, ended_at FROM streams WHERE id = '$SID'")"

wh_mux_post "$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready \
    false 600 "$PB")"
expect_status 200
wh_list
expect_json '.streams[0].status' completed
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].preferredRecordingSource' mux
expect_json '.streams[0].playback.replay' "https://stream.mux.com/$PB.m3u8"

# Ending a completed stream again: 200, same endedAt, no provider call.
since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
AUTH=$OWNER_AUTH
api POST "/api/streams/$SID/end"
expect_status 200
expect_json .stream.status completed
[ "$(db "SELECT ended_at FROM streams WHERE id = '$SID'")" = "$ended" ] ||
    fail "a second end moved endedAt"
[ "$(fake_requests "$since" | jq length)" = 0 ] ||
    fail "a second end called a provider"
