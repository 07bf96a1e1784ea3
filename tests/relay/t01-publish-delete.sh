# t01-publish-delete: Chromium publishes ~8 s over WHIP, then DELETEs its
# session (SPEC §5 WHIP, §7, §11).  Then: the local recording (fragmented
# MP4) holds H.264 + AAC of about 8 s; the RTMP server received both pushes
# (Cloudflare's live input on "live", Mux on "app"), each H.264 + AAC of
# about 8 s; the local HLS playlist plays through nginx; the ledger lists
# the local recording as available with a playbackUrl nginx serves; the
# stream went live while media flowed.  Measures POST -> 201, POST ->
# connected, POST -> first RTMP bytes, relay CPU and RSS.

new_stream "Publish and delete"
[ -n "$CF_KEY" ] || fail "the stream has no Cloudflare stream key"
[ -n "$MUX_KEY" ] || fail "the stream has no Mux stream key"

watch=$CASE_TMP/first-bytes
watch_first_bytes "$watch" "$RTMP_DIR/rec/live/$CF_KEY-*.flv" \
    "$RTMP_DIR/rec/app/$MUX_KEY-*.flv" "$VIGIL_MEDIA_DIR/$SID/part-*.mp4"

publish_bg --seconds 8
wait_event connected 40 ||
    { publish_wait; fail "the publisher never connected"; }

# Live when media arrives (not at creation); the relay's worker.
auth_as "$OWNER"
wait_for 10 stream_status_is live ||
    fail "the stream is not live while media flows: $(jq -c '.stream | {status, startedAt}' "$BODY")"
[ "$(json '.stream.startedAt // empty')" != "" ] || fail "live without startedAt"
worker=$(session_worker) || fail "no whip process holds $VIGIL_MEDIA_DIR/$SID open"
t_a=$(now_ms)
k_a=$(proc_ticks "$worker")
sleep 4
k_b=$(proc_ticks "$worker")
t_b=$(now_ms)
rss=$(proc_rss "$worker")

# The relay's statistics: for the stream's controllers only.
whip_stats
echo "stats while live: $(jq -c . "$BODY" | head -c 1500)"
expect_json .live true
expect_json '.sessions[0].state' live
for o in recording hls cloudflare mux; do
	expect_json ".sessions[0].outputs.$o.state" running
	expect_json ".sessions[0].outputs.$o.failures" 0
done
[ "$(json '.sessions[0].video.bytes')" -gt 0 ] || fail "stats: no video bytes"
[ "$(json '.sessions[0].audio.bytes')" -gt 0 ] || fail "stats: no audio bytes"
no_auth
api GET "/whip/$SID/stats"
expect_problem 401 unauthenticated
auth_as someone-else-$RANDOM
api GET "/whip/$SID/stats"
expect_status 403 404

publish_wait
expect_published
[ "$(pub .deleteStatus)" -ge 200 ] && [ "$(pub .deleteStatus)" -lt 300 ] ||
    fail "DELETE answered $(pub .deleteStatus)"
t_del=$(now_ms)

whip_stats
expect_json '.sessions[0].endReason' deleted

# The ledger: the local recording becomes ready soon after DELETE.
ledger_local_ready 1 20
t_ready=$(now_ms)
stream_get
expect_json .stream.recordingSources.local.available true
url=$(json '.stream.recordingSources.local.playbackUrl // empty')
[ -n "$url" ] || fail "recordingSources.local has no playbackUrl"
dur=$(json '.stream.recordingSources.local.duration // empty')
[ -n "$dur" ] || fail "recordingSources.local has no duration"
awk -v d="$dur" 'BEGIN { exit !(d >= 5 && d <= 11) }' ||
    fail "ledger duration $dur s not within [5, 11]"
case $url in http*) full=$url ;; *) full=$BASE$url ;; esac
code=$(curl -sS -o "$CASE_TMP/playback" -w '%{http_code}' --max-time 20 "$full")
[ "$code" = 200 ] || fail "GET playbackUrl $full answered $code"
expect_av "$CASE_TMP/playback" 5 11

# The file on disk, the one the ledger names.
parts=$(local_parts)
[ "$(printf '%s\n' "$parts" | grep -c .)" = 1 ] ||
    fail "expected one local part, have: $parts"
expect_av "$parts" 5 11
expect_decodes "$parts"
cmp -s "$parts" "$CASE_TMP/playback" ||
    fail "the playbackUrl does not serve $parts"

# Both RTMP pushes, each H.264 + AAC of about the same length.
cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
[ -n "$cf" ] || fail "the RTMP server got no push on live/ (Cloudflare): $(ls "$RTMP_DIR/rec/live")"
expect_av "$cf" 5 11
expect_decodes "$cf"
mux=$(rtmp_files app "$MUX_KEY" | tail -n 1)
[ -n "$mux" ] || fail "the RTMP server got no push on app/ (Mux): $(ls "$RTMP_DIR/rec/app")"
expect_av "$mux" 5 11
expect_decodes "$mux"

# The local HLS, read by ffprobe through nginx over HTTP.
hls=$BASE/media/$SID/live.m3u8
code=$(curl -sS -o "$CASE_TMP/live.m3u8" -w '%{http_code}' --max-time 10 "$hls")
[ "$code" = 200 ] || fail "GET $hls answered $code"
grep -q '#EXTM3U' "$CASE_TMP/live.m3u8" || fail "live.m3u8 is not a playlist"
expect_av "$hls" 4 11
grep -q '#EXT-X-ENDLIST' "$CASE_TMP/live.m3u8" ||
    echo "note: live.m3u8 has no #EXT-X-ENDLIST after DELETE"

# Measurements.
post=$(pub .postEpochMs)
measure post-201 "$(pub .post201Ms)" ms
measure post-connected "$(pub .connectedMs)" ms
while read -r g t; do
	case $g in
	*/live/*) measure post-first-rtmp-bytes-cf "$((t - post))" ms ;;
	*/app/*) measure post-first-rtmp-bytes-mux "$((t - post))" ms ;;
	*part-*) measure post-first-mp4-bytes "$((t - post))" ms ;;
	esac
done <"$watch"
measure delete-answer "$(pub .deleteMs)" ms
measure delete-ledger-ready "$((t_ready - t_del))" "ms (poll 200 ms)"
measure relay-cpu-1-session "$(cpu_percent "$k_a" "$k_b" "$((t_b - t_a))")" "% of one CPU (worker $worker)"
measure relay-rss-1-session "$rss" kB
measure browser-video-bytes "$(pub .stats.video.bytesSent)" "B in ~8 s ($(pub .stats.video.codec | cut -d';' -f1), $(pub .stats.video.frames) frames, $(pub .stats.video.keyFrames) key)"
