# t0503-reconcile-provider-fails: when one provider keeps failing,
# `vigil reconcile` reports it and still does what it can with the other.
# Cloudflare's videos list answers 500 (more times than the retries
# within the run's budget): reconcile exits non-zero, its summary counts
# the error, and the Mux recording is repaired all the same while the
# Cloudflare one is left as it was.  Once Cloudflare answers again, the
# next run repairs that too and exits 0.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_fresh_db
wh_new_stream obs
PB=P$(openssl rand -hex 20)
fake POST /_fake/cf/videos \
    "{\"liveInput\":\"$CF_INPUT\",\"state\":\"ready\",\"duration\":30}" >/dev/null
fake POST /_fake/mux/assets \
    "{\"live_stream_id\":\"$MUX_ID\",\"status\":\"ready\",\"is_live\":false,\"duration\":29,\"playback_ids\":[{\"id\":\"$PB\",\"policy\":\"public\"}]}" >/dev/null

fake_fault cf.videos.list '{"status": 500, "times": 50}'
since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
rc=0
out=$(vigil reconcile 2>"$CASE_TMP/reconcile.err") || rc=$?
[ "$rc" != 0 ] || fail "reconcile exited 0 although Cloudflare failed: $out"
printf '%s\n' "$out" |
    grep -Eq '^reconcile: 1 streams checked, 1 changes, [1-9][0-9]* errors$' ||
    fail "reconcile said: $out"
tries=$(fake_requests "$since" | jq '[.[] | select(.op == "cf.videos.list")] | length')
[ "$tries" -ge 1 ] || fail "Cloudflare was not asked"
echo "cloudflare videos list tried $tries times in one run"

wh_list
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.playbackUrl' \
    "https://stream.mux.com/$PB.m3u8"
expect_json '.streams[0].recordingSources.cloudflare.available' false
expect_json '.streams[0].preferredRecordingSource' mux

fake POST /_fake/faults '{"cf.videos.list": null}' >/dev/null
out=$(vigil reconcile 2>"$CASE_TMP/reconcile.err") ||
    fail "reconcile failed after Cloudflare recovered: $out"
[ "$out" = "reconcile: 1 streams checked, 1 changes, 0 errors" ] ||
    fail "reconcile said: $out"
wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' true
expect_json '.streams[0].preferredRecordingSource' cloudflare
