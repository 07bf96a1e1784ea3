# t0207-mux-unknown-type: event types Vigil does not act on are answered
# 200 and ignored (SPEC §5): types Mux documents but we do not use
# (live_stream.updated/.deleted, asset.deleted, asset.track.ready,
# asset.updated), a type that does not exist yet, and an unknown type
# whose data is no object at all.  Each names our stream or its asset
# with a state that would move the ledger if it were acted on, yet the
# stream and its recordings stay exactly as they were.  Only the dedupe
# row is kept, so a redelivery is answered as a duplicate.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)
# A recording row to be left alone.
wh_mux_post "$(wh_mux_ls video.live_stream.connected connected "$ASSET")"
expect_status 200

ledger=$CASE_TMP/ledger
ledger_snap() {
	db "SELECT * FROM streams ORDER BY id;
	    SELECT * FROM recordings ORDER BY id;" >"$1"
}
ledger_snap "$ledger"
events0=$(db "SELECT count(*) FROM webhook_events")

ignored() {
	local f=$1
	wh_mux_post "$f"
	expect_status 200
	expect_json .received true
	ledger_snap "$CASE_TMP/now"
	cmp -s "$ledger" "$CASE_TMP/now" ||
	    fail "$(jq -r .type "$f") changed the ledger: $(diff "$ledger" "$CASE_TMP/now")"
}

for t in video.live_stream.updated video.live_stream.deleted \
    video.live_stream.enabled; do
	ignored "$(wh_mux_ls "$t" active "$ASSET")"
done
for t in video.asset.updated video.asset.deleted video.asset.track.ready \
    video.asset.warning video.asset.static_renditions.ready; do
	ignored "$(wh_mux_asset "$t" "$ASSET" ready false 10 "$PB")"
done
ignored "$(wh_mux_ls video.live_stream.teleported active "$ASSET")"
f=$(wh_file)
printf '{"type":"video.upload.created","id":"%s","data":"not an object"}' \
    "$(wh_uuid)" >"$f"
ignored "$f"
f=$(wh_file)
printf '{"type":"video.asset.future_thing","id":"%s"}' "$(wh_uuid)" >"$f"
ignored "$f"

# Acknowledged once each, so a redelivery is a duplicate.
[ "$(db "SELECT count(*) FROM webhook_events")" = $((events0 + 11)) ] ||
    fail "expected 11 new webhook_events rows"
wh_mux_post "$f"
expect_status 200
expect_json .duplicate true
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = ready ] ||
    fail "the stream moved"
[ "$(db "SELECT state FROM recordings WHERE provider_id = '$ASSET'")" = \
    recording ] || fail "the recording moved"
