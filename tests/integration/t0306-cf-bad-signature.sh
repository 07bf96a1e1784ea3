# t0306-cf-bad-signature: the video webhook's Webhook-Signature
# (time=…,sig1=…, HMAC-SHA256 over "time.body", PROVIDERS §1.6 A) is
# checked before the body is looked at: a flipped sig1, a stale time
# (now-301), the wrong secret (also the notification secret, or the Mux
# one), a Mux-style header, no sig1, no time, a signature of another
# body, and an empty header are each 401 unauthenticated with the
# database unchanged.  The same body properly signed is then applied.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
V=$(openssl rand -hex 16)
f=$(wh_cf_video_ready "$CF_INPUT" "$V")
other=$(wh_cf_video_ready "$CF_INPUT" "$(openssl rand -hex 16)")
now=$(date +%s)
good=$(sign_cf "$f" "$now")
hex=${good#*sig1=}
flipped=$(printf '%s' "$hex" | tr '0-9a-f' '1-9a-f0')
snap=$CASE_TMP/snap
wh_snapshot "$snap"

refuse() {
	wh_cf_post "$f" "$2"
	expect_problem 401 unauthenticated
	wh_same_db "$snap" "$1"
}
refuse "flipped sig1" "time=$now,sig1=$flipped"
refuse "stale time" "$(sign_cf "$f" "$(($(date +%s) - 301))")"
refuse "wrong secret" "$(sign_cf "$f" "$now" wrong-secret)"
refuse "notification secret" "$(sign_cf "$f" "$now" "$CLOUDFLARE_NOTIFICATION_SECRET")"
refuse "Mux secret" "$(sign_cf "$f" "$now" "$MUX_WEBHOOK_SECRET")"
refuse "Mux-style header" "t=$now,v1=$hex"
refuse "no sig1" "time=$now"
refuse "no time" "sig1=$hex"
refuse "another body's signature" "$(sign_cf "$other" "$now")"
refuse "time changed after signing" "time=$((now + 1)),sig1=$hex"
refuse "garbage" "garbage"
api POST /api/webhooks/stream-status "@$f" -H 'Webhook-Signature;'
expect_problem 401 unauthenticated
wh_same_db "$snap" "empty Webhook-Signature"
# A Webhook-Signature that fails is not rescued by a right cf-webhook-auth.
api POST /api/webhooks/stream-status "@$f" \
    -H "Webhook-Signature: time=$now,sig1=$flipped" \
    -H "cf-webhook-auth: $CLOUDFLARE_NOTIFICATION_SECRET"
expect_problem 401 unauthenticated
wh_same_db "$snap" "bad signature with a right cf-webhook-auth"
grep -q "cloudflare video webhook refused" \
    "$RUNDIR/log/webhook-stream-status.log" || fail "refusals not logged"

wh_cf_post "$f" "$good"
expect_status 200
[ "$(db "SELECT state FROM recordings WHERE provider_id = '$V'")" = ready ] ||
    fail "the properly signed body was not applied"
