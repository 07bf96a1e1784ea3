# t0901-limits-body-size: API bodies are capped at 16 KiB (LIM_BODY_API,
# SPEC §10): one byte more is 413 payload_too_large (problem+json) on
# create-whip, memorials (POST and PATCH) and session, also when sent
# chunked; exactly 16384 bytes is not 413 (a valid create of that size
# is made).  A body that is not application/json is 415
# unsupported_media_type; application/json with a charset is fine.
# Refused bodies store nothing and reach no provider.

mid=m0901-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0901\",\"ownerUid\":\"u0901-owner\"}"
expect_status 201
auth_as u0901-owner
count() { db "select count(*) from streams where memorial_id = '$mid'"; }

# sized N: a valid create-whip body of exactly N bytes (whitespace pad).
sized() {
	local head="{\"memorialId\":\"$mid\",\"title\":\"Sized\"" pad
	pad=$(($1 - ${#head} - 1))
	printf '%s%*s}' "$head" "$pad" ''
}
sized 16384 >"$CASE_TMP/16384.json"
sized 16385 >"$CASE_TMP/16385.json"
[ "$(wc -c <"$CASE_TMP/16384.json")" = 16384 ] || fail "16384 body is not 16384 bytes"
[ "$(wc -c <"$CASE_TMP/16385.json")" = 16385 ] || fail "16385 body is not 16385 bytes"
jq -e . "$CASE_TMP/16385.json" >/dev/null || fail "the oversize body is not even JSON"

fake_reset
api POST /api/streams/create-whip "@$CASE_TMP/16385.json"
expect_problem 413 payload_too_large
api POST /api/streams/create-whip "@$CASE_TMP/16385.json" -H 'Transfer-Encoding: chunked'
expect_problem 413 payload_too_large
[ "$(count)" = 0 ] || fail "an oversize body stored a stream"
[ "$(fake_requests | jq length)" = 0 ] || fail "an oversize body reached a provider"

api POST /api/streams/create-whip "@$CASE_TMP/16384.json"
expect_status 201
expect_json .stream.title Sized
api POST /api/streams/create-whip "@$CASE_TMP/16384.json" -H 'Transfer-Encoding: chunked'
expect_status 201
[ "$(count)" = 2 ] || fail "want the two 16384-byte creates stored"

# The other API endpoints, same cap.
auth_as it-admin --role admin
api POST /api/memorials "@$CASE_TMP/16385.json"
expect_problem 413 payload_too_large
api PATCH "/api/memorials/$mid" "@$CASE_TMP/16385.json"
expect_problem 413 payload_too_large
no_auth
api POST /api/session "@$CASE_TMP/16385.json"
expect_problem 413 payload_too_large
# 16384 bytes are read and judged on their content.
api POST /api/session "@$CASE_TMP/16384.json"
expect_problem 400 invalid_request

# Media types.
auth_as u0901-owner
body="{\"memorialId\":\"$mid\",\"title\":\"Typed\"}"
for ct in 'text/plain' 'application/x-www-form-urlencoded' \
    'application/jsonx' 'multipart/form-data; boundary=x' 'text/json'; do
	api POST /api/streams/create-whip "$body" -H "Content-Type: $ct"
	expect_problem 415 unsupported_media_type
done
api POST /api/streams/create-whip "$body" -H 'Content-Type:'
expect_problem 415 unsupported_media_type
[ "$(count)" = 2 ] || fail "a 415 stored a stream"
auth_as it-admin --role admin
api POST /api/memorials '{"title":"t","ownerUid":"u"}' -H 'Content-Type: text/plain'
expect_problem 415 unsupported_media_type
api PATCH "/api/memorials/$mid" '{"title":"t"}' -H 'Content-Type: text/plain'
expect_problem 415 unsupported_media_type
api POST /api/session '{"token":"x"}' -H 'Content-Type: text/plain'
expect_problem 415 unsupported_media_type

auth_as u0901-owner
api POST /api/streams/create-whip "$body" -H 'Content-Type: application/json; charset=utf-8'
expect_status 201
api POST /api/streams/create-whip "$body" -H 'Content-Type: Application/JSON'
expect_status 201
