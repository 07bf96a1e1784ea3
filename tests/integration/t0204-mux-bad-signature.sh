# t0204-mux-bad-signature: POST /api/webhooks/mux checks Mux-Signature
# before anything else (SPEC §5, PROVIDERS §2.5).  A flipped signature,
# a stale timestamp (t = now-301), the wrong secret, no header, a v2-only
# header, an empty or malformed header, and a valid v1 for another body
# are each 401 unauthenticated and leave the database exactly as it was
# (no dedupe row either).  The same body, properly signed (with a bad
# v1 beside the good one, as during secret rotation), is then applied:
# the refusals were about the signature, not the event.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
ASSET=A$(openssl rand -hex 20)
PB=P$(openssl rand -hex 20)
f=$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false \
    61.5 "$PB")
now=$(date +%s)
good=$(sign_mux "$f" "$now")
hex=${good#*v1=}
flipped=$(printf '%s' "$hex" | tr '0-9a-f' '1-9a-f0')
other=$(wh_mux_asset video.asset.live_stream_completed "$ASSET" ready false \
    1 "$PB")

snap=$CASE_TMP/snap
wh_snapshot "$snap"

refuse() {
	local what=$1
	shift
	wh_mux_post "$f" "$@"
	expect_problem 401 unauthenticated
	wh_same_db "$snap" "$what"
}

refuse "flipped signature" "t=$now,v1=$flipped"
refuse "stale t=now-301" "$(sign_mux "$f" "$(($(date +%s) - 301))")"
refuse "wrong secret" "$(sign_mux "$f" "$now" not-the-mux-secret)"
refuse "the Cloudflare secret" "$(sign_mux "$f" "$now" "$CLOUDFLARE_WEBHOOK_SECRET")"
refuse "no Mux-Signature" -
refuse "v2 only" "t=$now,v2=$hex"
refuse "no t" "v1=$hex"
refuse "no v1 at all" "t=$now"
refuse "garbage header" "garbage"
refuse "signature of another body" "$(sign_mux "$other" "$now")"
refuse "timestamp changed after signing" "t=$((now - 1)),v1=$hex"
# The header must be Mux-Signature: Cloudflare's does not count here.
api POST /api/webhooks/mux "@$f" -H "Webhook-Signature: $(sign_cf "$f")"
expect_problem 401 unauthenticated
wh_same_db "$snap" "Webhook-Signature instead"

# Nothing secret or echoed in the refusals, and each was logged.
grep -q "mux webhook refused" "$RUNDIR/log/webhook-mux.log" ||
    fail "refusals are not logged"

# Rotation: any matching v1 will do.
wh_mux_post "$f" "t=$now,v1=$flipped,v1=$hex"
expect_status 200
[ "$(db "SELECT state FROM recordings WHERE provider_id = '$ASSET'")" = ready ] ||
    fail "the properly signed event was not applied"
