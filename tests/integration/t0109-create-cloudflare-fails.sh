# t0109-create-cloudflare-fails: when the Cloudflare live input cannot be
# created, create-whip leaves no orphan (SPEC §5 step 3): 502
# provider_unavailable, the Mux live stream that was created meanwhile
# is DELETEd (the fake holds no live stream), and no stream row is
# stored.  A 400 is final at once; a 500 is retried (with backoff, within
# the request's budget) and then fails the same way.  The Idempotency-Key
# of a failed request is released: the same key works once Cloudflare
# is back.

mid=m0109-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0109\",\"ownerUid\":\"u0109-owner\"}"
expect_status 201
auth_as u0109-owner
body="{\"memorialId\":\"$mid\",\"title\":\"Will fail\"}"

for st in 400 500; do
	fake_reset
	fake_fault cf.live_input.create "{\"status\": $st}"
	api POST /api/streams/create-whip "$body" -H "Idempotency-Key: k0109-$st"
	expect_problem 502 provider_unavailable
	fake_requests >"$CASE_TMP/reqs"
	made=$(jq '[.[] | select(.op == "mux.live_stream.create" and
	    .status == 201)] | length' "$CASE_TMP/reqs")
	[ "$made" = 1 ] || fail "$st: want one Mux stream created alongside, got $made"
	# The one Mux stream made is the one deleted, and none is left.
	state=$(fake GET /state)
	[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
	    fail "$st: the Mux live stream was left behind: $(jq -c .mux.liveStreams <<<"$state")"
	del=$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' \
	    "$CASE_TMP/reqs")
	[ "$del" = 1 ] || fail "$st: want one Mux DELETE answered 204, got $del"
	[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 0 ] ||
	    fail "$st: a live input exists although Cloudflare failed"
	[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 0 ] ||
	    fail "$st: a stream row was stored"
	attempts=$(jq '[.[] | select(.op == "cf.live_input.create")] | length' "$CASE_TMP/reqs")
	if [ "$st" = 400 ]; then
		[ "$attempts" = 1 ] || fail "a 400 was retried ($attempts attempts)"
	else
		[ "$attempts" -ge 2 ] || fail "a 500 was not retried"
	fi
	# Nothing in the answer hints at a provider secret or the body.
	! grep -q 'Will fail' "$BODY" || fail "the error echoes the input"
done

# The key of a failed request can be used again, and now succeeds.
fake_reset
api POST /api/streams/create-whip "$body" -H "Idempotency-Key: k0109-400"
expect_status 201
[ -z "$(header Idempotent-Replayed)" ] || fail "a failed request was replayed"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 1 ] ||
    fail "want the one stream after the retry"
