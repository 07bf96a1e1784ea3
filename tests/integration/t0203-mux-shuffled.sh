# t0203-mux-shuffled: Mux promises no order (PROVIDERS §2.5) and SPEC §5
# asks for handling that tolerates any.  The same broadcast's events
# (each with its own created_at, as Mux sends them) are delivered to four
# streams: in order, reversed, live_stream_completed before active and
# asset.created, and in a random order.  Every stream ends with exactly
# the in-order stream's listing: live, one mux recording, ready, with the
# same URL, duration and startedAt, preferred source mux.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

PB=P$(openssl rand -hex 20)
T0=1795000000	# the broadcast's first event, Unix seconds

# broadcast ORDER...: a new stream fed the events in ORDER (indexes
# into the list below); leaves its normalized listing in $CASE_TMP/norm.
broadcast() {
	local asset f i
	wh_new_stream whip_browser
	asset=A$(openssl rand -hex 20)
	local ev=(
		"$(wh_mux_ls video.live_stream.connected connected "$asset" "" "$T0")"
		"$(wh_mux_ls video.live_stream.recording recording "$asset" "" \
		    "\"$((T0 + 2))\"")"
		"$(wh_mux_ls video.live_stream.active active "$asset" "" \
		    "\"$(date -u -d "@$((T0 + 12))" +%Y-%m-%dT%H:%M:%S).500000Z\"")"
		"$(wh_mux_ls video.live_stream.disconnected disconnected "$asset" \
		    "" "{\"seconds\":$((T0 + 3600)),\"nanos\":0}")"
		"$(wh_mux_ls video.live_stream.idle idle "" "" "$((T0 + 3660))")"
		"$(wh_mux_asset video.asset.created "$asset" preparing true)"
		"$(wh_mux_asset video.asset.ready "$asset" ready true 20 "$PB")"
		"$(wh_mux_asset video.asset.live_stream_completed "$asset" ready \
		    false 3600.5 "$PB")"
	)
	for i in "$@"; do
		wh_mux_post "${ev[$i]}"
		expect_status 200
	done
	wh_list
	wh_norm >"$CASE_TMP/norm"
}

broadcast 0 1 2 3 4 5 6 7
cp "$CASE_TMP/norm" "$CASE_TMP/in-order"
expect_json '.streams[0].status' live
expect_json '.streams[0].preferredRecordingSource' mux
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.duration' 3600.5
expect_json '.streams[0].playback.replay' "https://stream.mux.com/$PB.m3u8"
# The recording started when the encoder connected.
expect_json '.streams[0].recordingSources.mux.recordings[0].startedAt' \
    "$(date -u -d "@$T0" +%Y-%m-%dT%H:%M:%S.000Z)"

check() {
	cmp -s "$CASE_TMP/in-order" "$CASE_TMP/norm" ||
	    fail "order $1 ended elsewhere than in order:
in order: $(cat "$CASE_TMP/in-order")
$1: $(cat "$CASE_TMP/norm")"
	[ "$(db "SELECT count(*) FROM recordings WHERE stream_id = '$SID'")" = 1 ] ||
	    fail "order $1: expected one recording row"
}

broadcast 7 6 5 4 3 2 1 0
check "7 6 5 4 3 2 1 0"
broadcast 7 2 5 0 6 4 1 3
check "7 2 5 0 6 4 1 3"
order=$(shuf -e 0 1 2 3 4 5 6 7 | tr '\n' ' ')
# shellcheck disable=SC2086
broadcast $order
check "$order (random)"
