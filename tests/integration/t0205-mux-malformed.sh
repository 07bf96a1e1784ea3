# t0205-mux-malformed: a body whose Mux-Signature checks out but which is
# not a usable Mux event is 400 invalid_request (SPEC §5) and changes
# nothing: broken JSON, a JSON array, an event without id or type, and a
# known type whose data is missing or not an object.  A wrong
# Content-Type, even signed, is 415.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
snap=$CASE_TMP/snap
wh_snapshot "$snap"

bad() {
	local what=$1 f
	f=$(wh_file)
	printf '%s' "$2" >"$f"
	wh_mux_post "$f"
	expect_problem 400 invalid_request
	wh_same_db "$snap" "$what"
	# Nothing of the body comes back.
	! grep -q 'SECRETLY' "$BODY" || fail "$what: the body was echoed"
}

ls_id=$MUX_ID
bad "truncated JSON" "{\"type\":\"video.live_stream.active\",\"id\":\"e1-SECRETLY\",\"data\":{\"id\":\"$ls_id\""
bad "not JSON" "type=video.live_stream.active&id=SECRETLY"
bad "an array" "[{\"type\":\"video.live_stream.active\",\"id\":\"e2\"}]"
bad "no id" "{\"type\":\"video.live_stream.active\",\"data\":{\"id\":\"$ls_id\",\"status\":\"active\"}}"
bad "no type" "{\"id\":\"$(wh_uuid)\",\"data\":{\"id\":\"$ls_id\",\"status\":\"active\"}}"
bad "id not a string" "{\"type\":\"video.live_stream.active\",\"id\":42,\"data\":{\"id\":\"$ls_id\",\"status\":\"active\"}}"
bad "known type without data" "{\"type\":\"video.live_stream.active\",\"id\":\"$(wh_uuid)\"}"
bad "known type, data a string" "{\"type\":\"video.asset.live_stream_completed\",\"id\":\"$(wh_uuid)\",\"data\":\"SECRETLY\"}"
bad "asset without id" "{\"type\":\"video.asset.live_stream_completed\",\"id\":\"$(wh_uuid)\",\"data\":{\"status\":\"ready\",\"live_stream_id\":\"$ls_id\"}}"
bad "empty body" ""

f=$(wh_mux_ls video.live_stream.active active)
api POST /api/webhooks/mux "@$f" -H "Mux-Signature: $(sign_mux "$f")" \
    -H 'Content-Type: text/plain'
expect_problem 415 unsupported_media_type
wh_same_db "$snap" "text/plain"

# The same event as JSON is fine: the refusals were about the bodies.
wh_mux_post "$f"
expect_status 200
[ "$(db "SELECT status FROM streams WHERE id = '$SID'")" = live ] ||
    fail "the well-formed event was not applied"
