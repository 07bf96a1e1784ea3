# t0208-mux-unknown-stream: events about a live stream or asset that is
# not one of ours (another app in the same Mux environment) are
# acknowledged with 200 so Mux stops retrying, logged as such, and
# change nothing: no stream goes live, no recording row appears.
# Contrast: an event naming an unknown live stream id but carrying our
# stream id as passthrough is ours (Mux copies passthrough; SPEC §5 sets
# it to the stream id), and is applied.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
OURS_SID=$SID
STRANGER=S$(openssl rand -hex 20)
ASSET=A$(openssl rand -hex 20)
snap=$CASE_TMP/snap
ledger_snap() {
	db "SELECT * FROM streams ORDER BY id;
	    SELECT * FROM recordings ORDER BY id;" >"$1"
}
ledger_snap "$snap"

# Neither the live stream id nor the passthrough is ours.
SID=not-our-stream-id
for t in connected recording active; do
	f=$(wh_mux_ls "video.live_stream.$t" "$t" "$ASSET" "" "" "$STRANGER")
	wh_mux_post "$f"
	expect_status 200
	expect_json .received true
	evid=$(jq -r .id "$f")
	grep -F "$evid" "$RUNDIR/log/webhook-mux.log" |
	    grep -q "not one of our streams" ||
	    fail "event $evid for an unknown stream was not logged as such"
done
f=$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false 9 \
    P1234 "" "$STRANGER")
wh_mux_post "$f"
expect_status 200
grep -F "$(jq -r .id "$f")" "$RUNDIR/log/webhook-mux.log" |
    grep -q "not one of our streams" || fail "the asset event was not logged"
# An asset that names no live stream and no passthrough at all.
f=$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false 9 \
    P1234 "" "" "")
wh_mux_post "$f"
expect_status 200

ledger_snap "$CASE_TMP/now"
cmp -s "$snap" "$CASE_TMP/now" ||
    fail "events for a stranger changed the ledger: $(diff "$snap" "$CASE_TMP/now")"
[ "$(db "SELECT count(*) FROM recordings WHERE provider_id = '$ASSET'")" = 0 ] ||
    fail "a stranger's asset got a recording row"

# Our passthrough on an unknown live stream id: ours after all.
SID=$OURS_SID
wh_mux_post "$(wh_mux_ls video.live_stream.active active "$ASSET" "" "" \
    "$STRANGER")"
expect_status 200
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = live ] ||
    fail "an event with our passthrough was not applied"
