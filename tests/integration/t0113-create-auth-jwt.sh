# t0113-create-auth-jwt: create-whip refuses every token that is not a
# valid HS256 JWT under our secret with 401 problem+json code
# unauthenticated (SPEC §4): no token, alg none (with and without a
# signature), alg confusion (HS512 and HS384 under the same secret, an
# RS256 header), a wrong key, expired, nbf in the future, no exp, exp
# as a string, a tampered payload, garbage, an over-long token, and the
# same through the session cookie.  None of them reaches a provider or
# stores a stream.  A token crafted here the right way is accepted (so
# the crafting is not what makes the others fail).

mid=m0113-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0113\",\"ownerUid\":\"u0113-owner\"}"
expect_status 201
body="{\"memorialId\":\"$mid\",\"title\":\"Auth\"}"

now=$(date +%s)
good_claims="{\"sub\":\"u0113-owner\",\"iat\":$now,\"exp\":$((now + 600))}"
other_key=$CASE_TMP/other.key
head -c 48 /dev/urandom | base64 -w0 >"$other_key"

# The crafting is right: our own HS256 token works.
AUTH=$(jwt '{"alg":"HS256","typ":"JWT"}' "$good_claims" HS256 "$JWT_SECRET_FILE")
fake_reset
api POST /api/streams/create-whip "$body"
expect_status 201
valid=$AUTH
printf '%s\n' "$valid" >>"$IT_TMP/secrets"
n_streams=$(db "select count(*) from streams where memorial_id = '$mid'")
n_reqs=$(fake_requests | jq length)

refused() {
	# refused WHAT: the last request was a clean 401 that did nothing.
	expect_problem 401 unauthenticated
	expect_header WWW-Authenticate '^Bearer'
	[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = "$n_streams" ] ||
	    fail "$1: a stream was stored"
	[ "$(fake_requests | jq length)" = "$n_reqs" ] ||
	    fail "$1: a provider was called"
}

try() {
	# try WHAT TOKEN: as Bearer, then as the session cookie.
	AUTH=$2
	api POST /api/streams/create-whip "$body"
	refused "$1 (Bearer)"
	AUTH=""
	api POST /api/streams/create-whip "$body" -H "Cookie: session=$2"
	refused "$1 (cookie)"
}

no_auth
api POST /api/streams/create-whip "$body"
refused "no token"
api POST /api/streams/create-whip "$body" -H "Authorization: Basic dTpw"
refused "Basic credentials"

h256='{"alg":"HS256","typ":"JWT"}'
try "alg none, no signature" "$(jwt '{"alg":"none","typ":"JWT"}' "$good_claims" none)"
none_signed=$(jwt '{"alg":"none","typ":"JWT"}' "$good_claims" HS256 "$JWT_SECRET_FILE")
try "alg none, signed" "$none_signed"
try "alg None, no signature" "$(jwt '{"alg":"None"}' "$good_claims" none)"
try "HS512, same secret" "$(jwt '{"alg":"HS512","typ":"JWT"}' "$good_claims" HS512 "$JWT_SECRET_FILE")"
try "HS384, same secret" "$(jwt '{"alg":"HS384","typ":"JWT"}' "$good_claims" HS384 "$JWT_SECRET_FILE")"
try "RS256 header, HMAC signature" "$(jwt '{"alg":"RS256","typ":"JWT"}' "$good_claims" HS256 "$JWT_SECRET_FILE")"
try "HS256 header, HS512 signature" "$(jwt "$h256" "$good_claims" HS512 "$JWT_SECRET_FILE")"
try "wrong key" "$(jwt "$h256" "$good_claims" HS256 "$other_key")"
try "expired" "$(jwt "$h256" "{\"sub\":\"u0113-owner\",\"iat\":$((now - 7200)),\"exp\":$((now - 3600))}" HS256 "$JWT_SECRET_FILE")"
try "nbf in the future" "$(jwt "$h256" "{\"sub\":\"u0113-owner\",\"nbf\":$((now + 3600)),\"exp\":$((now + 7200))}" HS256 "$JWT_SECRET_FILE")"
try "no exp" "$(jwt "$h256" "{\"sub\":\"u0113-owner\",\"iat\":$now}" HS256 "$JWT_SECRET_FILE")"
try "exp a string" "$(jwt "$h256" "{\"sub\":\"u0113-owner\",\"exp\":\"$((now + 600))\"}" HS256 "$JWT_SECRET_FILE")"
try "no sub" "$(jwt "$h256" "{\"iat\":$now,\"exp\":$((now + 600))}" HS256 "$JWT_SECRET_FILE")"

# Tampered: another payload (an admin role) under the valid signature.
IFS=. read -r th _ ts <<<"$valid"
evil=$(printf '%s' "{\"sub\":\"u0113-owner\",\"role\":\"admin\",\"iat\":$now,\"exp\":$((now + 600))}" |
    base64 -w0 | tr '+/' '-_' | tr -d '=')
try "tampered payload" "$th.$evil.$ts"
# Tampered signature: one character changed.
last=${valid: -1}
[ "$last" = A ] && repl=B || repl=A
try "tampered signature" "${valid%?}$repl"

try "garbage" "not-a-jwt"
try "three dots of garbage" "a.b.c"
try "bad base64" "$th.!!!.$ts"
try "over-long token" "$th.$(head -c 6000 /dev/zero | tr '\0' A).$ts"

# The valid token still works after all that.
AUTH=$valid
api POST /api/streams/create-whip "$body"
expect_status 201
