# t0302-cf-save-and-test: the plain message Cloudflare sends when a
# Notifications webhook is saved (PROVIDERS §1.6 B, verbatim text) is
# accepted with the right cf-webhook-auth (200, acknowledged as a test,
# nothing written), and refused 401 unauthenticated with a wrong, empty
# or differently-cased secret, or with neither cf-webhook-auth nor
# Webhook-Signature.  The secret never reaches a log.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

f=$(wh_file)
printf '%s' '{"text": "Hello World! This is a test message sent from https://cloudflare.com. If you can see this, your webhook is configured properly."}' >"$f"
snap=$CASE_TMP/snap
wh_snapshot "$snap"

wh_cf_notify "$f"
expect_status 200
expect_json .received true
expect_json .test true
wh_same_db "$snap" "the test message"

wh_cf_notify "$f" wrong-secret
expect_problem 401 unauthenticated
wh_cf_notify "$f" "${CLOUDFLARE_NOTIFICATION_SECRET^^}"
expect_problem 401 unauthenticated
wh_cf_notify "$f" "$CLOUDFLARE_NOTIFICATION_SECRET-and-more"
expect_problem 401 unauthenticated
# The video webhook's secret is not the notification secret.
wh_cf_notify "$f" "$CLOUDFLARE_WEBHOOK_SECRET"
expect_problem 401 unauthenticated
api POST /api/webhooks/stream-status "@$f" -H 'cf-webhook-auth;'
expect_problem 401 unauthenticated
api POST /api/webhooks/stream-status "@$f"
expect_problem 401 unauthenticated
wh_same_db "$snap" "refused test messages"

expect_logs_lack "$CLOUDFLARE_NOTIFICATION_SECRET"
