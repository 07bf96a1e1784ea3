# t0116-create-provider-garbage: Cloudflare answering the live input
# create with something unreadable (200 with a non-JSON body, a
# truncated answer) or not at all (a hang, until the call's total
# timeout) fails the create cleanly (SPEC §5 step 3, §10): 502
# provider_unavailable (504 provider_timeout for the hang), the Mux
# live stream made alongside is DELETEd, no stream row is stored, and
# the program answers the next request.  (When Cloudflare did make the
# live input but its answer was lost, the uid never reached us and the
# input stays at Cloudflare: a known gap, reported, not checked here.)

mid=m0116-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0116\",\"ownerUid\":\"u0116-owner\"}"
expect_status 201
auth_as u0116-owner
body="{\"memorialId\":\"$mid\",\"title\":\"Garbled\"}"

for f in '{"status": 200, "body": "not json at all"}' \
    '{"status": 200, "body": "{\"success\": true, \"result\": {}}"}' \
    '{"truncate": true}' \
    '{"hang": true}'; do
	fake_reset
	fake_fault cf.live_input.create "$f"
	api POST /api/streams/create-whip "$body"
	case $f in
	*hang*) expect_problem 504 provider_timeout ;;
	*) expect_problem 502 provider_unavailable ;;
	esac
	fake_requests >"$CASE_TMP/reqs"
	[ "$(jq '[.[] | select(.op == "mux.live_stream.create" and .status == 201)] | length' "$CASE_TMP/reqs")" = 1 ] ||
	    fail "$f: want the Mux stream created alongside"
	[ "$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' "$CASE_TMP/reqs")" = 1 ] ||
	    fail "$f: the Mux stream was not DELETEd"
	[ "$(fake GET /state | jq '.mux.liveStreams | length')" = 0 ] ||
	    fail "$f: a Mux stream was left behind"
	[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 0 ] ||
	    fail "$f: a stream row was stored"
done

fake_reset
api POST /api/streams/create-whip "$body"
expect_status 201
