# t12-end-stops: the stream is ended (POST /api/streams/{id}/end) while
# its publisher is live (SPEC §5: end stops relay sessions; the streams
# program reaches the relay only through the database, which the relay
# reads every 2 s).  Within a few seconds the relay ends the session by
# itself: the statistics show no session, its log says why, the local
# part is finalized (ready, playable), both pushes end with what was
# sent, and the publisher's next POST is refused with 410.
# timeout: 150

new_stream "Ended while live"
log_from=$(($(wc -l <"$RUNDIR/log/whip.log") + 1))
publish_bg --seconds 25 --no-delete
wait_event connected 40 || { publish_wait; fail "the publisher never connected"; }
auth_as "$OWNER"
wait_for 10 stream_status_is live || fail "the stream did not go live"
sleep 4

t_end=$(now_ms)
auth_as "$OWNER"
api POST "/api/streams/$SID/end"
expect_status 200
no_session() {
	whip_stats >/dev/null
	[ "$(json '[.sessions[] | select(.state != "ended")] | length')" = 0 ]
}
wait_for 10 no_session ||
    fail "the relay still holds a session 10 s after end: $(jq -c '.sessions' "$BODY")"
measure end-to-session-gone "$(($(now_ms) - t_end))" "ms (the relay looks every 2 s)"
tail -n +"$log_from" "$RUNDIR/log/whip.log" >"$CASE_TMP/whip.log"
grep -q "stream $SID was ended" "$CASE_TMP/whip.log" ||
    fail "the relay did not log why it ended the session"

ledger_local_ready 1 20
part=$(local_parts | tail -n 1)
[ -n "$part" ] || fail "no local part"
expect_av "$part" 3 12
cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
[ -n "$cf" ] || fail "no Cloudflare push"
expect_av "$cf" 3 12

# The publisher is cut off well before its 25 s.
publish_wait
echo "publisher after end: $(jq -c '{status, connectionState: .stats.connectionState, error}' "$PUB_OUT" 2>/dev/null)"

# An ended stream takes no new publisher: 410, which the browser app
# explains in words (tests/www).
publish --seconds 2
[ "$(pub .status)" = 410 ] ||
    fail "a POST to the ended stream answered $(pub .status), not 410"
