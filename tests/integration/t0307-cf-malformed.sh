# t0307-cf-malformed: bodies that pass their check but are not what they
# claim are 400 invalid_request and change nothing: a correctly signed
# video webhook that is broken JSON, an array, or a video without uid or
# status.state; a notification with the right cf-webhook-auth that is
# broken JSON or names a live_input event without an input_id.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
snap=$CASE_TMP/snap
wh_snapshot "$snap"

video_bad() {
	local f
	f=$(wh_file)
	printf '%s' "$2" >"$f"
	wh_cf_post "$f"
	expect_problem 400 invalid_request
	wh_same_db "$snap" "$1"
}
notif_bad() {
	local f
	f=$(wh_file)
	printf '%s' "$2" >"$f"
	wh_cf_notify "$f"
	expect_problem 400 invalid_request
	wh_same_db "$snap" "$1"
}

video_bad "truncated" "{\"uid\":\"$(openssl rand -hex 16)\",\"liveInput\":\"$CF_INPUT\",\"status\":{\"state\":\"ready\""
video_bad "not JSON" "uid=1&state=ready"
video_bad "an array" "[{\"uid\":\"$(openssl rand -hex 16)\"}]"
video_bad "no uid" "{\"liveInput\":\"$CF_INPUT\",\"readyToStream\":true,\"status\":{\"state\":\"ready\"}}"
video_bad "no status" "{\"uid\":\"$(openssl rand -hex 16)\",\"liveInput\":\"$CF_INPUT\",\"readyToStream\":true}"
video_bad "empty" ""
f=$(wh_cf_video_ready "$CF_INPUT" "$(openssl rand -hex 16)")
head -c 300 "$f" >"$f.cut"
video_bad "the docs payload cut short" "$(cat "$f.cut")"

notif_bad "truncated" '{"name":"Live Webhook Test","data":{"event_type":"live_input.connected"'
notif_bad "not JSON" "hello"
notif_bad "connected without input_id" '{"name":"x","text":"y","data":{"notification_name":"Stream Live Input","event_type":"live_input.connected"},"ts":1642074233}'
notif_bad "no data, no text" '{"name":"x","ts":1642074233}'

# The well-formed ones go through.
wh_cf_post "$f"
expect_status 200
n=$(wh_file)
jq -c --arg in "$CF_INPUT" '.cloudflare.notification_live_input_disconnected.body
    | .data.input_id = $in | .data.event_type = "live_input.connected"' \
    "$WH_VECTORS" >"$n"
wh_cf_notify "$n"
expect_status 200
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = live ] ||
    fail "the well-formed notification was not applied"
