# t0106-create-cloudflare-only: Cloudflare configured, Mux not (SPEC §2:
# "Without Mux, everything still works").  whip_browser: local +
# cloudflare sources, no Mux request; obs: 201 with the RTMPS
# credentials and no Output; muxBackup:true warns that Mux is missing.

mid=m0106-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0106\",\"ownerUid\":\"u0106-owner\"}"
expect_status 201

restart_stack_with -u MUX_TOKEN_ID -u MUX_TOKEN_SECRET
fake_reset
auth_as u0106-owner

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Browser\"}"
expect_status 201
expect_json '.stream.recordingSources | keys | sort | join(",")' cloudflare,local
expect_json '.stream.muxLiveStreamId // "none"' none
expect_json .stream.simulcastEnabled false
expect_json '.warnings | length' 0
[ -n "$(json '.stream.cloudflareInputId // empty')" ] || fail "no live input"

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"OBS\",\"streamingMethod\":\"obs\"}"
expect_status 201
expect_json '.stream.recordingSources | keys | join(",")' cloudflare
[ -n "$(json '.stream.streamKey // empty')" ] || fail "obs without streamKey"
[ -n "$(json '.stream.rtmpsUrl // empty')" ] || fail "obs without rtmpsUrl"
expect_json .stream.simulcastEnabled false

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"OBS+Mux\",\"streamingMethod\":\"obs\",\"muxBackup\":true}"
expect_status 201
expect_json '.stream.recordingSources | keys | join(",")' cloudflare
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi mux || fail "the warning does not name Mux"

fake_requests >"$CASE_TMP/reqs"
[ "$(jq '[.[] | select(.provider == "mux")] | length' "$CASE_TMP/reqs")" = 0 ] ||
    fail "Mux is not configured, yet the fake got Mux requests"
[ "$(jq '[.[] | select(.op == "cf.output.create")] | length' "$CASE_TMP/reqs")" = 0 ] ||
    fail "an Output was created without Mux"
[ "$(jq '[.[] | select(.op == "cf.live_input.create")] | length' "$CASE_TMP/reqs")" = 3 ] ||
    fail "want 3 live inputs created"
