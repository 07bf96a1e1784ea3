# t0206-mux-oversize: webhook bodies are capped at 256 KiB (SPEC §5,
# LIM_BODY_WEBHOOK).  A properly signed event padded to 256 KiB + 1 byte
# is 413 payload_too_large and changes nothing; the same event padded to
# exactly 256 KiB is accepted and applied (the cap is not lower).

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)
base=$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false \
    42 "$PB")

# padded SIZE: the event with a "pad" member making it SIZE bytes.
padded() {
	local f pad len
	f=$(wh_file)
	pad=$(wh_file)
	jq -c '.pad = ""' "$base" >"$f"
	len=$(stat -c %s "$f")
	head -c "$(($1 - len))" /dev/zero | tr '\0' x >"$pad"
	jq -c --rawfile p "$pad" '.pad = $p' "$base" >"$f"
	[ "$(stat -c %s "$f")" = "$1" ] || fail "padding went wrong"
	echo "$f"
}

snap=$CASE_TMP/snap
wh_snapshot "$snap"
big=$(padded $((256 * 1024 + 1)))
wh_mux_post "$big"
expect_problem 413 payload_too_large
wh_same_db "$snap" "256 KiB + 1"

fits=$(padded $((256 * 1024)))
wh_mux_post "$fits"
expect_status 200
[ "$(db "SELECT state || ' ' || duration FROM recordings
    WHERE provider_id = '$ASSET'")" = "ready 42.0" ] ||
    fail "the 256 KiB event was not applied"
