# t0502-reconcile-idempotent: running `vigil reconcile` again changes
# nothing.  A stream whose Cloudflare recording is ready but whose Mux
# asset is still being recorded (is_live true) stays unsettled: the first
# run records 2 changes (cloudflare ready, mux recording), the second
# asks again and reports "0 changes" with the database byte for byte
# the same.  (GET asset answers status ready mid-broadcast, is_live true:
# that is a recording in progress, not a replay, PROVIDERS §2.5.)  Once
# the asset is no longer live a run makes exactly 1 change, after which
# the stream is settled: the next run checks no stream at all.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_fresh_db
wh_new_stream obs
PB=P$(openssl rand -hex 20)
fake POST /_fake/cf/videos \
    "{\"liveInput\":\"$CF_INPUT\",\"state\":\"ready\",\"duration\":60}" >/dev/null
AID=$(fake POST /_fake/mux/assets \
    "{\"live_stream_id\":\"$MUX_ID\",\"status\":\"ready\",\"is_live\":true,\"duration\":20.5,\"playback_ids\":[{\"id\":\"$PB\",\"policy\":\"public\"}]}" |
    jq -r '.id // .data.id')
fake POST "/_fake/mux/live-streams/$MUX_ID" \
    "{\"status\":\"active\",\"active_asset_id\":\"$AID\"}" >/dev/null

reconcile() {
	out=$(vigil reconcile 2>"$CASE_TMP/reconcile.err") ||
	    fail "reconcile failed: $out $(cat "$CASE_TMP/reconcile.err")"
	[ "$out" = "$1" ] || fail "reconcile said '$out', expected '$1'"
}

reconcile "reconcile: 1 streams checked, 2 changes, 0 errors"
[ "$(db "SELECT group_concat(source || ' ' || state, ', ') FROM (SELECT *
    FROM recordings WHERE stream_id = '$SID' ORDER BY source)")" = \
    "cloudflare ready, mux recording" ] || fail "after the first run: $(db "SELECT * FROM recordings")"
snap=$CASE_TMP/snap
wh_snapshot "$snap"

reconcile "reconcile: 1 streams checked, 0 changes, 0 errors"
wh_same_db "$snap" "the second run"

# The broadcast ends: the asset is final.
fake POST /_fake/mux/assets "{\"id\":\"$AID\",\"live_stream_id\":\"$MUX_ID\",\"status\":\"ready\",\"is_live\":false,\"duration\":59.5}" >/dev/null
reconcile "reconcile: 1 streams checked, 1 changes, 0 errors"
wh_list
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.duration' 59.5
expect_json '.streams[0].preferredRecordingSource' cloudflare
wh_snapshot "$snap"
reconcile "reconcile: 0 streams checked, 0 changes, 0 errors"
wh_same_db "$snap" "the run after settling"
