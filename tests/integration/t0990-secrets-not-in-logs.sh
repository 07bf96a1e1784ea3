# t0990-secrets-not-in-logs: secrets never reach a log (SPEC §4): after
# this case's own requests (creates of every method, an idempotent
# replay, failed creates, sign-in by link and by cookie, bad tokens,
# lifecycle calls) and everything the suite did before it, no log under
# $RUNDIR/log (programs, nginx access and error logs) holds a publish
# token, an RTMPS or Mux stream key, a Cloudflare WHIP URL, a JWT (Bearer
# or cookie), a sign-in link token, a WHIP session's id (its URL ends the
# broadcast), or the provider API credentials.
# Earlier cases add the secrets they saw to $IT_TMP/secrets; run alone,
# this case still checks its own.  It checks, too, that the logs do hold
# this case's requests (so an empty log cannot pass).

mid=m0990-$RANDOM$RANDOM
auth_as it-admin --role admin
admin_jwt=$AUTH
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0990\",\"ownerUid\":\"u0990-owner\"}"
expect_status 201
secrets=$CASE_TMP/secrets
printf '%s\n' "$admin_jwt" >"$secrets"

auth_as u0990-owner
printf '%s\n' "$AUTH" >>"$secrets"
fake_reset
for m in whip_browser obs cloudflare_whip; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Logs $m\",\"streamingMethod\":\"$m\"}" \
	    -H "Idempotency-Key: k0990-$m"
	expect_status 201
	jq -r '.stream | .publishToken, .streamKey,
	    (select(.streamingMethod == "cloudflare_whip") | .whipUrl) |
	    select(. != null)' "$BODY" >>"$secrets"
done
id=$(json .stream.id)
# A replay mints another publish token.
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Logs whip_browser\",\"streamingMethod\":\"whip_browser\"}" \
    -H "Idempotency-Key: k0990-whip_browser"
expect_status 201
expect_header Idempotent-Replayed '^true$'
json .stream.publishToken >>"$secrets"
fake GET /state | jq -r '.cf.liveInputs[] | .rtmps.streamKey, .webRTC.url,
    .srt.passphrase' >>"$secrets"
fake GET /state | jq -r '.mux.liveStreams[].stream_key' >>"$secrets"

# Failures log too: a provider failing, a rollback, bad tokens.
fake_fault cf.live_input.create '{"status": 400, "times": 1}'
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Fails\"}"
expect_problem 502 provider_unavailable
fake_fault cf.output.create '{"status": 400, "times": 1}'
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"No output\",\"streamingMethod\":\"obs\"}"
expect_status 201
json .stream.streamKey >>"$secrets"
expired=$(token --sub u0990-owner --ttl 1)
printf '%s\n' "$expired" >>"$secrets"
owner=$AUTH
AUTH="${owner%?}x"
printf '%s\n' "$AUTH" >>"$secrets"
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Bad\"}"
expect_problem 401 unauthenticated
AUTH=$owner

# Sign-in by link, then the cookie.
link=$(vigil login-link --sub u0990-owner)
ltok=${link#*#t=}
printf '%s\n' "$ltok" >>"$secrets"
no_auth
api POST /api/session "{\"token\":\"$ltok\"}"
expect_status 200
cookie=$(header Set-Cookie)
jwt=${cookie#session=}
jwt=${jwt%%;*}
printf '%s\n' "$jwt" >>"$secrets"
api GET /api/session "" -H "Cookie: session=$jwt"
expect_status 200
api POST /api/session "{\"token\":\"$ltok\"}"
expect_problem 401 unauthenticated
api GET "/api/streams?memorialId=$mid" "" -H "Cookie: session=$jwt"
expect_status 200
AUTH=$owner
api POST "/api/streams/$id/start"
expect_status 200
api POST "/api/streams/$id/end"
expect_status 200
api DELETE "/api/streams/$id"
expect_status 204

# The provider credentials of the test configuration.
printf '%s\n' "$CLOUDFLARE_API_TOKEN" "$MUX_TOKEN_SECRET" \
    "$(printf '%s:%s' "$MUX_TOKEN_ID" "$MUX_TOKEN_SECRET" | base64 -w0)" \
    "$(cat "$JWT_SECRET_FILE")" >>"$secrets"
# What earlier cases collected.
[ ! -s "$IT_TMP/secrets" ] || cat "$IT_TMP/secrets" >>"$secrets"

# The logs saw this case's requests (not vacuous) ...
grep -q "stream $id" "$RUNDIR/log/create-whip.log" ||
    fail "create-whip.log does not record the stream's creation"
grep -q "POST /api/session" "$RUNDIR/log/nginx-access.log" ||
    fail "the access log does not record the sign-in"
# ... and none of the secrets.
n=0
while IFS= read -r s; do
	[ ${#s} -ge 8 ] || continue
	expect_logs_lack "$s"
	n=$((n + 1))
done < <(sort -u "$secrets")
[ "$n" -ge 15 ] || fail "only $n secrets checked"
# No log line carries an Authorization or Cookie header either.
! grep -rqiE 'bearer [a-z0-9_-]{20,}|session=[a-z0-9_-]{20,}' "$RUNDIR/log" ||
    fail "a log line carries a credential"
