# t0305-cf-duplicates: Cloudflare says nothing about duplicates
# (PROVIDERS §1.6), so the same video webhook and the same notification
# delivered again, byte for byte and re-signed later, answer 200 and
# change nothing at all: not the recording, not the stream, not an
# updated_at.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
V=$(openssl rand -hex 16)
snap=$CASE_TMP/snap

# The video webhook.
f=$(wh_cf_video_ready "$CF_INPUT" "$V")
sig=$(sign_cf "$f")
wh_cf_post "$f" "$sig"
expect_status 200
[ "$(db "SELECT state FROM recordings WHERE provider_id = '$V'")" = ready ] ||
    fail "the first delivery was not applied"
wh_snapshot "$snap"
wh_cf_post "$f" "$sig"
expect_status 200
wh_same_db "$snap" "video webhook delivered again"
wh_cf_post "$f" "$(sign_cf "$f" "$(($(date +%s) - 20))")"
expect_status 200
wh_same_db "$snap" "video webhook re-signed"

# The notification.
n=$(wh_file)
jq -c --arg in "$CF_INPUT" '.cloudflare.notification_live_input_disconnected.body
    | .data.input_id = $in | .data.event_type = "live_input.connected"' \
    "$WH_VECTORS" >"$n"
wh_cf_notify "$n"
expect_status 200
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = live ] ||
    fail "connected did not make the stream live"
wh_snapshot "$snap"
sleep 0.01
wh_cf_notify "$n"
expect_status 200
wh_cf_notify "$n"
expect_status 200
wh_same_db "$snap" "notification delivered again"
[ "$(db "SELECT count(*) FROM recordings WHERE stream_id = '$SID'")" = 1 ] ||
    fail "duplicates made rows"
