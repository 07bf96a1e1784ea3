# t0702-provider-faults-reconcile: `vigil reconcile` against providers
# that hang or rate-limit each of the calls it makes (issue 6; t0503
# covers a Cloudflare 500).  One unsettled obs stream whose recordings
# the providers hold ready:
#   1. Cloudflare's videos list and Mux's GET asset never answer: the
#      run ends on its own (each call bounded by LIM_TOTAL_TIMEOUT_MS,
#      15 s: about 30 s for the two steps), exits non-zero, counts 2
#      errors and changes nothing in the database;
#   2. Mux's GET live stream never answers: Cloudflare's recording is
#      repaired all the same (1 change, 1 error), within ~15 s;
#   3. Mux's GET asset answers 429 with Retry-After: 2 once: retried no
#      sooner than asked, and the Mux recording is repaired (1 change,
#      0 errors);
#   4. a truncated answer to GET live stream (retried within the step's
#      15 s budget, as a GET may be) and an oversized one (2 MiB, over
#      LIM_PROVIDER_RESP: never retried) are errors that change nothing.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_fresh_db
wh_new_stream obs
PB=P$(openssl rand -hex 20)
fake POST /_fake/cf/videos \
    "{\"liveInput\":\"$CF_INPUT\",\"state\":\"ready\",\"duration\":61}" >/dev/null
AID=$(fake POST /_fake/mux/assets \
    "{\"live_stream_id\":\"$MUX_ID\",\"status\":\"ready\",\"is_live\":false,\"duration\":60,\"playback_ids\":[{\"id\":\"$PB\",\"policy\":\"public\"}]}" |
    jq -r '.id // .data.id')
[ -n "$AID" ] && [ "$AID" != null ] || fail "the fake made no asset"

# reconcile: one run, its output in $OUT, status $RC, time $MS.
reconcile() {
	local t0
	t0=$(date +%s%N)
	RC=0
	OUT=$(timeout 120 "$VIGIL_CLI" reconcile 2>"$CASE_TMP/reconcile.err") || RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	echo "reconcile: rc $RC in $MS ms: $OUT"
}

wh_snapshot "$CASE_TMP/before"

# 1. Two calls hang.
fake_fault cf.videos.list '{"hang": true}'
fake_fault mux.asset.get '{"hang": true}'
reconcile
[ "$RC" != 0 ] && [ "$RC" != 124 ] || fail "reconcile exited $RC with two calls hanging"
[ "$OUT" = "reconcile: 1 streams checked, 0 changes, 2 errors" ] ||
    fail "reconcile said: $OUT"
[ "$MS" -lt 40000 ] || fail "two hanging calls held reconcile $MS ms"
[ "$MS" -ge 25000 ] || fail "reconcile gave up after $MS ms, before the calls' own timeout"
wh_same_db "$CASE_TMP/before" "hanging providers"

# 2. GET live stream hangs; Cloudflare's recording is repaired.
fake DELETE /faults >/dev/null
fake_fault mux.live_stream.get '{"hang": true}'
reconcile
[ "$RC" != 0 ] && [ "$RC" != 124 ] || fail "reconcile exited $RC with Mux hanging"
[ "$OUT" = "reconcile: 1 streams checked, 1 changes, 1 errors" ] ||
    fail "reconcile said: $OUT"
[ "$MS" -lt 20000 ] || fail "one hanging call held reconcile $MS ms"
wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' true
expect_json '.streams[0].recordingSources.mux.available' false

# 4. Garbled answers to GET live stream: errors, nothing changes.
wh_snapshot "$CASE_TMP/before4"
for f in '{"truncate": true}' '{"oversize": 2097152}'; do
	fake DELETE /faults >/dev/null
	fake_fault mux.live_stream.get "$f"
	since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
	reconcile
	[ "$RC" != 0 ] && [ "$RC" != 124 ] || fail "$f: reconcile exited $RC"
	[ "$OUT" = "reconcile: 1 streams checked, 0 changes, 1 errors" ] ||
	    fail "$f: reconcile said: $OUT"
	n=$(fake_requests "$since" | jq '[.[] | select(.op == "mux.live_stream.get")] | length')
	case $f in
	*truncate*)
		# A transport error: a GET is retried within the step's
		# budget (RECONCILE_BUDGET_MS, 15 s).
		[ "$n" -ge 2 ] || fail "$f: a truncated GET was not retried"
		[ "$MS" -lt 20000 ] || fail "$f: reconcile took $MS ms" ;;
	*)
		# Over LIM_PROVIDER_RESP: the same request would get the
		# same answer, never retried.
		[ "$n" = 1 ] || fail "$f: an oversized answer was asked for $n times"
		[ "$MS" -lt 5000 ] || fail "$f: reconcile took $MS ms" ;;
	esac
	wh_same_db "$CASE_TMP/before4" "$f"
done

# 3. 429 with Retry-After: 2 on GET asset, once.
fake DELETE /faults >/dev/null
fake_fault mux.asset.get '{"status": 429, "retryAfter": 2, "times": 1}'
since=$(fake_requests | jq '([.[].index] | max // -1) + 1')
reconcile
[ "$RC" = 0 ] || fail "reconcile exited $RC after a single 429"
[ "$OUT" = "reconcile: 1 streams checked, 1 changes, 0 errors" ] ||
    fail "reconcile said: $OUT"
fake_requests "$since" >"$CASE_TMP/reqs"
[ "$(jq -r '[.[] | select(.op == "mux.asset.get") | .status] | join(",")' "$CASE_TMP/reqs")" = 429,200 ] ||
    fail "GET asset answered $(jq -c '[.[] | select(.op == "mux.asset.get") | .status]' "$CASE_TMP/reqs")"
gap=$(jq '[.[] | select(.op == "mux.asset.get") | .t] | .[1] - .[0]' "$CASE_TMP/reqs")
[ "$gap" -ge 1900 ] || fail "Retry-After: 2 was not honoured (retried after $gap ms)"
wh_list
expect_json '.streams[0].recordingSources.mux.available' true
expect_json '.streams[0].recordingSources.mux.playbackUrl' \
    "https://stream.mux.com/$PB.m3u8"
expect_json '.streams[0].preferredRecordingSource' cloudflare
