# t0202-mux-duplicates: Mux may deliver an event more than once (PROVIDERS
# §2.5).  Every event of a broadcast, delivered a second time with the
# same id (once with the very same header, once re-signed later as a
# retry would be), answers 200 {"duplicate":true} and changes nothing:
# not the stream, not the ledger, not even an updated_at.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)

events=(
	"$(wh_mux_ls video.live_stream.connected connected "$ASSET")"
	"$(wh_mux_ls video.live_stream.recording recording "$ASSET")"
	"$(wh_mux_ls video.live_stream.active active "$ASSET")"
	"$(wh_mux_ls video.live_stream.disconnected disconnected "$ASSET")"
	"$(wh_mux_ls video.live_stream.idle idle)"
	"$(wh_mux_asset video.asset.created "$ASSET" preparing true)"
	"$(wh_mux_asset video.asset.ready "$ASSET" ready true 30 "$PB")"
	"$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false \
	    95.25 "$PB")"
)
before=$CASE_TMP/before
n=0
for f in "${events[@]}"; do
	n=$((n + 1))
	sig=$(sign_mux "$f")
	wh_mux_post "$f" "$sig"
	expect_status 200
	[ "$(json '.duplicate // false')" = false ] ||
	    fail "event $n: the first delivery was called a duplicate"
	wh_snapshot "$before"
	# The same request again, byte for byte.
	wh_mux_post "$f" "$sig"
	expect_status 200
	expect_json .received true
	expect_json .duplicate true
	wh_same_db "$before" "event $n delivered again"
	# A retry, signed anew (another timestamp, another v1).
	wh_mux_post "$f" "$(sign_mux "$f" "$(($(date +%s) - 7))")"
	expect_status 200
	expect_json .duplicate true
	wh_same_db "$before" "event $n retried"
done

[ "$(db "SELECT count(*) FROM webhook_events WHERE provider = 'mux' AND
    event_id IN ($(for f in "${events[@]}"; do
	printf "'%s'," "$(jq -r .id "$f")"; done | sed 's/,$//'))")" = 8 ] ||
    fail "expected one webhook_events row per event"
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = live ] ||
    fail "the stream is not live"
[ "$(db "SELECT state || ' ' || duration FROM recordings
    WHERE stream_id = '$SID'")" = "ready 95.25" ] ||
    fail "the recording did not end ready once"
