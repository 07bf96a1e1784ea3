# t0603-whip-limits: VIGIL_RELAY_MAX_SESSIONS (SPEC §7 limits): over the
# limit a POST is 503 problem+json with Retry-After, and the session
# already running is untouched (its PATCH still answers 204).  Bad
# VIGIL_RELAY_* settings stop the program at start (fail fast).

restart_stack_with VIGIL_RELAY_MAX_SESSIONS=1

mid=m0603-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0603\",\"ownerUid\":\"u0603-owner\"}"
expect_status 201
auth_as u0603-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"A\"}"
expect_status 201
a=$(json .stream.id)
atok=$(json .stream.publishToken)
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"B\"}"
expect_status 201
b=$(json .stream.id)
btok=$(json .stream.publishToken)
printf '%s\n%s\n' "$atok" "$btok" >>"$IT_TMP/secrets"
no_auth
offer=$IT_ROOT/tests/data/sdp/chromium-156-av.sdp

api POST "/whip/$a" "@$offer" -H 'Content-Type: application/sdp' \
    -H "Authorization: Bearer $atok"
expect_status 201
loc=$(header Location)
api POST "/whip/$b" "@$offer" -H 'Content-Type: application/sdp' \
    -H "Authorization: Bearer $btok"
expect_problem 503 unavailable
expect_header Retry-After '^[0-9]+$'
printf 'a=ice-ufrag:F9Ke\r\na=ice-pwd:Rjfj73njO/dBam0ASsqapdct\r\na=candidate:1 1 udp 1 127.0.0.1 9 typ host\r\n' \
    >"$CASE_TMP/frag"
api PATCH "$loc" "@$CASE_TMP/frag" -H 'Content-Type: application/trickle-ice-sdpfrag'
expect_status 204
api DELETE "$loc"
expect_status 200
api POST "/whip/$b" "@$offer" -H 'Content-Type: application/sdp' \
    -H "Authorization: Bearer $btok"
expect_status 201
api DELETE "$(header Location)"
expect_status 200

# A bad setting: the program refuses to start.  BUILD may be absolute.
case ${BUILD:-build} in
/*) whip=${BUILD}/cgi-bin/whip ;;
*) whip=$IT_ROOT/${BUILD:-build}/cgi-bin/whip ;;
esac
VIGIL_RELAY_PORT_MIN=40000 "$whip" \
    </dev/null >"$CASE_TMP/out" 2>&1 && fail "whip started with half a port range"
grep -q 'VIGIL_RELAY_PORT_MIN' "$CASE_TMP/out" || fail "no word on the bad setting: $(cat "$CASE_TMP/out")"
VIGIL_RELAY_ADDRESSES=not-an-ip "$whip" \
    </dev/null >"$CASE_TMP/out" 2>&1 && fail "whip started with a bad address"
grep -q 'VIGIL_RELAY_ADDRESSES' "$CASE_TMP/out" || fail "no word on the bad address"
true
