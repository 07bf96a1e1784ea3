# t0504-reconcile-skips-settled: `vigil reconcile` asks the providers
# only about unsettled streams.  Stream A was settled by its webhooks
# (Cloudflare video ready, Mux live_stream_completed); stream B by an
# earlier reconcile run; stream C has nothing ready yet; stream D has
# nothing ready either but was deleted (its provider resources are gone:
# asking about them would fail every run).  The next run checks one
# stream: the fake sees requests about C's live input and Mux stream,
# and none about A's, B's or D's.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_fresh_db

# A: settled by webhooks.
wh_new_stream obs
A_CF=$CF_INPUT A_MUX=$MUX_ID
wh_cf_post "$(wh_cf_video_ready "$CF_INPUT" "$(openssl rand -hex 16)")"
expect_status 200
wh_mux_post "$(wh_mux_asset video.asset.live_stream_completed \
    "A$(openssl rand -hex 20)" ready false 10 "P$(openssl rand -hex 8)")"
expect_status 200

# B: settled by reconciliation.
wh_new_stream obs
B_CF=$CF_INPUT B_MUX=$MUX_ID
fake POST /_fake/cf/videos \
    "{\"liveInput\":\"$CF_INPUT\",\"state\":\"ready\",\"duration\":12}" >/dev/null
fake POST /_fake/mux/assets \
    "{\"live_stream_id\":\"$MUX_ID\",\"status\":\"ready\",\"is_live\":false,\"duration\":11}" >/dev/null
out=$(vigil reconcile) || fail "the first reconcile failed: $out"
[ "$out" = "reconcile: 1 streams checked, 2 changes, 0 errors" ] ||
    fail "the first reconcile said: $out"

# D: deleted before anything was ready.
wh_new_stream obs
D_CF=$CF_INPUT D_MUX=$MUX_ID
api DELETE "/api/streams/$SID"
expect_status 200 204

# C: unsettled, nothing at the providers yet.
wh_new_stream obs
C_CF=$CF_INPUT C_MUX=$MUX_ID

since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
out=$(vigil reconcile) || fail "reconcile failed: $out"
[ "$out" = "reconcile: 1 streams checked, 0 changes, 0 errors" ] ||
    fail "reconcile said: $out"
paths=$(fake_requests "$since" | jq -r '.[].path')
for id in "$C_CF" "$C_MUX"; do
	printf '%s\n' "$paths" | grep -qF "$id" ||
	    fail "the unsettled stream's $id was not asked about"
done
for id in "$A_CF" "$A_MUX" "$B_CF" "$B_MUX"; do
	! printf '%s\n' "$paths" | grep -qF "$id" ||
	    fail "a settled stream was asked about again ($id): $paths"
done
for id in "$D_CF" "$D_MUX"; do
	! printf '%s\n' "$paths" | grep -qF "$id" ||
	    fail "a deleted stream was asked about ($id): $paths"
done
[ "$(printf '%s\n' "$paths" | grep -c .)" = 2 ] ||
    fail "expected two requests (videos list, live stream), got: $paths"
