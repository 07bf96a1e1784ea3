# t02-push-refused: the Mux ingest refuses connections (MUX_RTMPS_URL on a
# closed loopback port).  Outputs are independent (SPEC §7): the publish
# still works, the local recording and the Cloudflare push are complete
# (ffprobe), and the ledger's local recording becomes ready.

for _ in $(seq 50); do
	closed=$((20000 + RANDOM % 40000))
	[ -z "$(ss -Hltn "sport = :$closed" 2>/dev/null)" ] && break
done
[ -z "$(ss -Hltn "sport = :$closed" 2>/dev/null)" ] || fail "no closed port found"
# create-whip stores the Mux ingest URL with the stream, the relay reads
# it from there or from its own environment: restart everything.
restart_stack_with MUX_RTMPS_URL="rtmp://127.0.0.1:$closed/app"

new_stream "Mux refuses"
mux_url=$(db "select coalesce(mux_rtmps_url, '') from streams where id = '$SID'")
echo "Mux ingest for this stream: $mux_url"
publish_bg --seconds 7
wait_event connected 40 || { publish_wait; fail "the publisher never connected"; }
sleep 4
# The relay says so: Mux failing and retrying, the others running.
whip_stats
echo "outputs while live: $(jq -c '.sessions[0].outputs' "$BODY")"
[ "$(json '.sessions[0].outputs.mux.failures')" -ge 1 ] ||
    fail "stats: the refused Mux push has no failures"
[ -n "$(json '.sessions[0].outputs.mux.lastError // empty')" ] ||
    fail "stats: the refused Mux push has no lastError"
for o in recording hls cloudflare; do
	expect_json ".sessions[0].outputs.$o.state" running
	expect_json ".sessions[0].outputs.$o.failures" 0
done
publish_wait
expect_published

ledger_local_ready 1 20
parts=$(local_parts)
[ -n "$parts" ] || fail "no local recording"
expect_av "$(printf '%s\n' "$parts" | tail -n 1)" 4 10

cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
[ -n "$cf" ] || fail "the Cloudflare push is missing: $(ls "$RTMP_DIR/rec/live")"
expect_av "$cf" 4 10

[ -z "$(rtmp_files app "$MUX_KEY")" ] ||
    fail "a Mux push arrived although its port was closed: $(rtmp_files app "$MUX_KEY")"

# The HLS too.
expect_av "$BASE/media/$SID/live.m3u8" 3 10
