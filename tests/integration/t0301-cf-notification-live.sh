# t0301-cf-notification-live: Cloudflare live-input Notifications, with the
# right cf-webhook-auth (PROVIDERS §1.6 B), drive the stream's status:
# live_input.disconnected on a stream that never went live leaves it
# ready; live_input.connected makes it live (startedAt set);
# live_input.disconnected and live_input.errored afterwards leave it
# live (a stream completes by `end` only).  Bodies are the docs' verbatim
# payloads with input_id set to the stream's real live input.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs

# notify VECTOR EVENT_TYPE: the docs payload for our input.
notify() {
	local f
	f=$(wh_file)
	jq -c --arg in "$CF_INPUT" --arg ev "$2" ".cloudflare.$1.body
	    | .data.input_id = \$in | .data.event_type = \$ev
	    | .text |= gsub(\"Input ID: [0-9a-f]+\"; \"Input ID: \" + \$in)" \
	    "$WH_VECTORS" >"$f"
	wh_cf_notify "$f"
	expect_status 200
	expect_json .received true
}
status_now() {
	db "SELECT status FROM streams WHERE id = '$SID'"
}

notify notification_live_input_disconnected live_input.disconnected
[ "$(status_now)" = ready ] || fail "disconnected made a ready stream $(status_now)"

notify notification_live_input_disconnected live_input.connected
[ "$(status_now)" = live ] || fail "connected left the stream $(status_now)"
wh_list
expect_json '.streams[0].status' live
[ "$(wh_stream .startedAt)" != null ] || fail "live without startedAt"
started=$(db "SELECT started_at FROM streams WHERE id = '$SID'")

notify notification_live_input_disconnected live_input.disconnected
[ "$(status_now)" = live ] || fail "disconnected made the stream $(status_now)"
notify notification_live_input_errored live_input.errored
[ "$(status_now)" = live ] || fail "errored made the stream $(status_now)"
grep -q "ERR_GOP_OUT_OF_RANGE" "$RUNDIR/log/webhook-stream-status.log" ||
    fail "the input error was not logged"
# A second connected (the publisher came back) changes nothing.
notify notification_live_input_disconnected live_input.connected
[ "$(db "SELECT status || ' ' || started_at || ' ' || coalesce(ended_at, '-')
    FROM streams WHERE id = '$SID'")" = "live $started -" ] ||
    fail "a reconnect moved the stream"

# A notification for someone else's input: acknowledged, nothing moves.
wh_new_stream obs
f=$(wh_file)
jq -c '.cloudflare.notification_live_input_disconnected.body
    | .data.event_type = "live_input.connected"' "$WH_VECTORS" >"$f"
wh_cf_notify "$f"
expect_status 200
[ "$(status_now)" = ready ] || fail "another input's event moved our stream"
