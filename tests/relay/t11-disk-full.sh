# t11-disk-full: the media directory's disk fills up mid-broadcast
# (issue 6; SPEC §7: the outputs are independent).  The media directory
# is a small tmpfs (32 MiB: mounting one needs root, which CI has; as
# another user the case says "skipped" and passes).  Chromium publishes
# ~24 s; 5 s in, a filler file takes every free byte, so each write the
# relay makes under the media directory fails with ENOSPC; once the
# relay has noticed (a few seconds) the filler is removed.  Then:
#   - the relay's statistics say so while it lasts: the local recording
#     (and the local HLS) failing, with failures counted and a lastError
#     about the space, the Cloudflare and Mux pushes running, untouched;
#   - the whip processes did not die: the supervisor and the worker that
#     holds the session are the same before and after;
#   - both RTMP pushes arrived whole (ffprobe: H.264 + AAC, in sync, the
#     whole ~24 s, one connection each), the disk notwithstanding;
#   - the ledger keeps what was recorded before the disk filled (a ready,
#     playable part: when the last write was cut inside a moof, which
#     players refuse, the relay trims the part to its complete
#     fragments) and, once there is space again, the recording is taken
#     up in a new part that is ready and playable at the end.
# timeout: 180

if [ "$(id -u)" != 0 ]; then
	echo "skipped: t11-disk-full needs root to mount a small tmpfs for the media directory"
	exit 0
fi

media=$CASE_TMP/media-small
mkdir -p "$media"
mount -t tmpfs -o size=32m,mode=0755 vigil-t11 "$media" ||
    fail "cannot mount a tmpfs on $media"
_t11_exit() {
	_relay_case_exit
	umount -l "$media" 2>/dev/null || true
}
trap _t11_exit EXIT
export VIGIL_MEDIA_DIR=$media
restart_stack_with VIGIL_MEDIA_DIR="$media"
# The whip log is the suite's; this case's part starts here.
log_from=$(($(wc -l <"$RUNDIR/log/whip.log") + 1))

new_stream "Disk full"
master=$(whip_master)
publish_bg --seconds 24 --connect-timeout 20
wait_event connected 40 || { publish_wait; fail "the publisher never connected"; }
auth_as "$OWNER"
wait_for 10 stream_status_is live || fail "the stream did not go live"
sleep 5
worker=$(session_worker) || fail "no whip process holds $media/$SID open"
part1=$(local_parts | tail -n 1)
[ -n "$part1" ] || fail "no local part before the disk filled"
whip_stats
for o in recording hls cloudflare mux; do
	expect_json ".sessions[0].outputs.$o.state" running
done

# The disk fills up.
dd if=/dev/zero of="$media/filler" bs=1M status=none 2>/dev/null || true
avail=$(df -k --output=avail "$media" | tail -n 1 | tr -d ' ')
echo "disk full at $(now_ms): $avail KiB left; part so far $(stat -c %s "$part1") B"
[ "$avail" -lt 64 ] || fail "the filler left $avail KiB"

failing() {
	whip_stats >/dev/null
	[ "$(json '.sessions[0].outputs.recording.failures')" -ge 1 ] &&
	    [ "$(json '.sessions[0].outputs.hls.failures')" -ge 1 ]
}
wait_for 10 failing ||
    fail "the relay did not notice the full disk: $(jq -c '.sessions[0].outputs' "$BODY")"
sleep 1
whip_stats
echo "outputs while full: $(jq -c '.sessions[0].outputs' "$BODY")"
expect_json '.sessions[0].state' live
[ "$(json '.sessions[0].outputs.recording.failures')" -ge 1 ] ||
    fail "stats: the recording shows no failure"
json '.sessions[0].outputs.recording.lastError // ""' | grep -qi 'space' ||
    fail "stats: the recording's lastError does not say the disk is full: $(json '.sessions[0].outputs.recording.lastError // "none"')"
[ "$(json '.sessions[0].outputs.hls.failures')" -ge 1 ] ||
    fail "stats: the local HLS shows no failure"
for o in cloudflare mux; do
	expect_json ".sessions[0].outputs.$o.state" running
	expect_json ".sessions[0].outputs.$o.failures" 0
done
tail -n +"$log_from" "$RUNDIR/log/whip.log" >"$CASE_TMP/whip.log"
grep -q 'recording failed' "$CASE_TMP/whip.log" ||
    fail "the relay did not log the recording's failure"

# Space again: the recording is taken up.
rm -f "$media/filler"
echo "space again at $(now_ms)"
resumed() {
	local p
	p=$(local_parts | tail -n 1)
	[ -n "$p" ] && [ "$p" != "$part1" ] && [ "$(stat -c %s "$p")" -gt 65536 ]
}
wait_for 12 resumed ||
    fail "the recording did not resume once there was space: parts $(local_parts | tr '\n' ' '); $(whip_stats >/dev/null; jq -c '.sessions[0].outputs.recording' "$BODY")"
part2=$(local_parts | tail -n 1)

publish_wait
expect_published
[ "$(whip_master)" = "$master" ] && kill -0 "$master" ||
    fail "the whip supervisor died"
kill -0 "$worker" 2>/dev/null || fail "the worker holding the session ($worker) died"
tail -n +"$log_from" "$RUNDIR/log/whip.log" >"$CASE_TMP/whip.log"
! grep -q 'killed by signal\|exited with' "$CASE_TMP/whip.log" ||
    fail "a whip worker died: $(grep 'killed by signal\|exited with' "$CASE_TMP/whip.log" | tail -n 2)"

# Both pushes whole.
cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
mux=$(rtmp_files app "$MUX_KEY" | tail -n 1)
[ -n "$cf" ] && [ -n "$mux" ] || fail "a push is missing: cf '$cf' mux '$mux'"
[ "$(rtmp_files live "$CF_KEY" | wc -l)" = 1 ] && [ "$(rtmp_files app "$MUX_KEY" | wc -l)" = 1 ] ||
    fail "a push was interrupted: $(rtmp_files live "$CF_KEY") $(rtmp_files app "$MUX_KEY")"
expect_av "$cf" 20 28
expect_av "$mux" 20 28

# The ledger: the part from before, ready and playable; the one after.
# Where the disk filled inside a moof, the relay trimmed the part to
# its complete fragments (players refuse a file that ends in a moof);
# either way ffprobe must read it.
ledger_local_ready 2 20
tail -n +"$log_from" "$RUNDIR/log/whip.log" >"$CASE_TMP/whip.log"
echo "part-1's end: $(grep -o 'part-1.mp4 ended in a write cut short.*' "$CASE_TMP/whip.log" || echo 'whole, nothing trimmed')"
expect_av "$part1" 3 12
expect_av "$part2" 2 22
stream_get
echo "ledger: $(jq -c '[.stream.recordingSources.local.recordings[] | {state, duration}]' "$BODY")"
