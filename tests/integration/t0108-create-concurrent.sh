# t0108-create-concurrent: the Cloudflare live input and the Mux live
# stream are created concurrently (SPEC §5 step 2).  With every provider
# answer delayed by 300 ms, the two create requests reach the fake less
# than 150 ms apart (one after the other would be >= 300 ms apart), and
# the obs Output request is sent only after both creates were answered
# (it needs the Mux stream key and the live input uid).  Only the fake's
# own timestamps are compared, never the wall-clock time of the request.

mid=m0108-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0108\",\"ownerUid\":\"u0108-owner\"}"
expect_status 201
auth_as u0108-owner

trap 'fake POST /config "{\"delayMs\":0}" >/dev/null 2>&1 || true' EXIT
fake POST /config '{"delayMs":300}' >/dev/null

for m in whip_browser obs; do
	fake_reset
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"$m\",\"streamingMethod\":\"$m\"}"
	expect_status 201
	fake_requests >"$CASE_TMP/reqs"
	cf_t=$(jq '[.[] | select(.op == "cf.live_input.create")][0].t' "$CASE_TMP/reqs")
	mux_t=$(jq '[.[] | select(.op == "mux.live_stream.create")][0].t' "$CASE_TMP/reqs")
	[ "$cf_t" != null ] && [ "$mux_t" != null ] ||
	    fail "$m: want both creates, got $(jq -c '[.[].op]' "$CASE_TMP/reqs")"
	d=$((cf_t > mux_t ? cf_t - mux_t : mux_t - cf_t))
	[ "$d" -lt 150 ] ||
	    fail "$m: creates arrived $d ms apart (sequential, not concurrent)"
	# Each create really was delayed: the overlap is meaningful.
	jq -e '[.[] | select(.op | test("create$")) | .ms >= 300] | all' \
	    "$CASE_TMP/reqs" >/dev/null || fail "$m: the fake delay did not apply"
done

# obs: the Output comes after both creates were answered.
out_t=$(jq '[.[] | select(.op == "cf.output.create")][0].t' "$CASE_TMP/reqs")
[ "$out_t" != null ] || fail "obs made no Output request"
done_t=$(jq '[.[] | select(.op | test("^(cf.live_input|mux.live_stream).create$")) | .t + .ms] | max' \
    "$CASE_TMP/reqs")
[ "$out_t" -ge "$done_t" ] ||
    fail "the Output request ($out_t) came before both creates were answered ($done_t)"
