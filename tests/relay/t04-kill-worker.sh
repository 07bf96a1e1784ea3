# t04-kill-worker: kill -9 of the whip process that hosts a live session,
# mid-stream.  What was recorded until then stays readable (fragmented
# MP4: no moov rewrite needed), the supervisor replaces the worker, whose
# start repairs the part (ready, with the duration its complete
# fragments hold: lib/mp4.c), and a new publish of the same stream works
# afterwards (SPEC §7: nothing already recorded is lost; §10: a process
# never dies from one request, and when one is killed the endpoint stays
# up).

new_stream "Worker killed"
master=$(whip_master)
[ -n "$master" ] || fail "no whip process in $RUNDIR/pids"
publish_bg --seconds 40 --connect-timeout 15
wait_event connected 40 || { publish_wait; fail "the publisher never connected"; }
sleep 5
worker=$(session_worker) || fail "no whip process holds $VIGIL_MEDIA_DIR/$SID open"
part=$(local_parts | tail -n 1)
[ -n "$part" ] || fail "no local part while publishing"
before=$(whip_workers | sort | tr '\n' ' ')
echo "whip master $master, workers: $before; session in $worker; part $part"
[ "$worker" != "$master" ] ||
    echo "note: the session lives in the supervisor process itself"
kill -KILL "$worker"
t_kill=$(now_ms)

# The partial recording, as it is on disk right after the kill.
cp "$part" "$CASE_TMP/killed.mp4"
expect_av "$CASE_TMP/killed.mp4" 2 40
echo "recorded until the kill: $(duration) s"
measure killed-part-duration "$(duration)" "s readable (after ~5 s of media)"

# The supervisor replaced the worker.
if [ "$worker" != "$master" ]; then
	replaced() {
		local now
		now=$(whip_workers | sort | tr '\n' ' ')
		[ -n "$now" ] && [ "$now" != "$before" ] &&
		    [ "$(whip_workers | wc -l)" -ge "$(printf '%s\n' $before | wc -l)" ]
	}
	wait_for 10 replaced ||
	    fail "the supervisor did not replace worker $worker: workers now $(whip_workers | tr '\n' ' ')"
	echo "workers after: $(whip_workers | tr '\n' ' ')"
	measure worker-replaced "$(( $(now_ms) - t_kill ))" "ms (poll 100 ms)"
fi
kill -0 "$master" 2>/dev/null || fail "the whip supervisor died too"

# The publisher loses its peer; stop it.
kill -TERM "$PUB_PID" 2>/dev/null || true
publish_wait || true

# A kill -9 cannot finalize; the new worker's start repairs the part:
# ready, with a duration close to what ffprobe reads in the file (the
# part as the dead process left it; the new session writes another).
part_id=$SID/$(basename "$part")
repaired() {
	api GET "/api/streams/$SID" >/dev/null
	[ "$STATUS" = 200 ] || return 1
	rep=$(jq -r --arg p "$part_id" '.stream.recordingSources.local |
	    .recordings[]? | select(.providerId == $p and .state == "ready") |
	    .duration' "$BODY")
	[ -n "$rep" ] && [ "$rep" != null ]
}
auth_as "$OWNER"
t_repair=$(now_ms)
wait_for 30 repaired ||
    fail "$part_id not ready with a duration within 30 s of the restart: $(jq -c '.stream.recordingSources.local // .' "$BODY" | head -c 1500)"
probe "$part" || fail "ffprobe cannot read $part"
file_d=$(duration)
awk -v a="$rep" -v b="$file_d" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d <= 0.1) }' ||
    fail "$part_id: ledger duration $rep s, ffprobe $file_d s"
echo "repaired part: ledger $rep s, ffprobe $file_d s"
measure repaired-part-duration "$rep" "s in the ledger (ffprobe $file_d s)"
measure repaired-after "$(( $(now_ms) - t_repair ))" "ms after the publisher stopped (poll 100 ms)"

# Ledger state of the killed session.
stream_get
echo "ledger after the kill: $(jq -c '.stream.recordingSources.local' "$BODY")"
ready_before=$(json '[.stream.recordingSources.local.recordings[]? | select(.state == "ready")] | length')

# A new publish of the same stream works (the dead session may hold the
# stream until its media timeout: retry 409s for a while).
publish --seconds 4 --retry-409 30
expect_published
measure republish-409-retries "$(pub .retries409)" "(0.5 s apart)"
ledger_local_ready "$((ready_before + 1))" 20
newest=$(local_parts | tail -n 1)
[ -n "$newest" ] && [ "$newest" != "$part" ] ||
    fail "the new session wrote no new part (parts: $(local_parts | tr '\n' ' '))"
expect_av "$newest" 2 8
# The killed part is still there and readable.
expect_av "$part" 2 40
stream_get
echo "ledger at the end: $(jq -c '.stream.recordingSources.local' "$BODY")"
