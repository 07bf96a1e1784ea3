# t0112-create-idempotency: Idempotency-Key on create-whip (SPEC §5).
# Same key, same body: the first stream again (same id), with
# Idempotent-Replayed: true and no new provider request; for
# whip_browser a fresh publishToken whose hash replaced the stored one
# (the old token no longer matches).  Same key, other body: 422
# idempotency_key_reused.  Keys are per user: another user's same key
# makes its own stream.  A key with spaces or over 128 characters: 400.

mid=m0112-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0112\",\"ownerUid\":\"u0112-owner\",\"directorUids\":[\"u0112-dir\"]}"
expect_status 201
auth_as u0112-owner
body="{\"memorialId\":\"$mid\",\"title\":\"Once\"}"
key=idem-0112-$RANDOM

sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

fake_reset
api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $key"
expect_status 201
[ -z "$(header Idempotent-Replayed)" ] || fail "the first request says replayed"
id=$(json .stream.id)
tok1=$(json .stream.publishToken)
cf1=$(json .stream.cloudflareInputId)
mux1=$(json .stream.muxLiveStreamId)
printf '%s\n' "$tok1" >>"$IT_TMP/secrets"
[ "$(db "select publish_token_hash from streams where id = '$id'")" = "$(sha "$tok1")" ] ||
    fail "first token's hash not stored"
n=$(fake_requests | jq length)
[ "$n" = 2 ] || fail "the first request made $n provider requests"

api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $key"
expect_status 201
expect_header Idempotent-Replayed '^true$'
expect_json .stream.id "$id"
expect_json .stream.cloudflareInputId "$cf1"
expect_json .stream.muxLiveStreamId "$mux1"
expect_json .stream.whipUrl "$VIGIL_PUBLIC_URL/whip/$id"
tok2=$(json '.stream.publishToken // empty')
printf '%s\n' "$tok2" >>"$IT_TMP/secrets"
[ -n "$tok2" ] || fail "the replay has no publishToken"
[ "$tok2" != "$tok1" ] || fail "the replay shows the first token again"
stored=$(db "select publish_token_hash from streams where id = '$id'")
[ "$stored" = "$(sha "$tok2")" ] || fail "the replay's token hash is not the stored one"
[ "$stored" != "$(sha "$tok1")" ] || fail "the first token still matches"
[ "$(fake_requests | jq length)" = "$n" ] ||
    fail "the replay called the providers: $(fake_requests | jq -c '[.[].op]')"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 1 ] ||
    fail "the replay stored another stream"

# Same key, another body (even one byte): 422, nothing made.
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Twice\"}" \
    -H "Idempotency-Key: $key"
expect_problem 422 idempotency_key_reused
api POST /api/streams/create-whip "$body " -H "Idempotency-Key: $key"
expect_problem 422 idempotency_key_reused
[ "$(fake_requests | jq length)" = "$n" ] || fail "a 422 called the providers"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 1 ] ||
    fail "a 422 stored a stream"

# Another user, same key and body: independent.
auth_as u0112-dir
api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $key"
expect_status 201
[ -z "$(header Idempotent-Replayed)" ] || fail "another user's key was replayed"
id2=$(json .stream.id)
[ "$id2" != "$id" ] || fail "another user got the first user's stream"
expect_json .stream.createdBy u0112-dir
[ "$(fake_requests | jq length)" = $((n + 2)) ] ||
    fail "the other user's request did not create provider resources"
# ...and replays to that user only.
api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $key"
expect_status 201
expect_header Idempotent-Replayed '^true$'
expect_json .stream.id "$id2"

# Invalid keys.
for bad in "two words" "$(printf 'k%.0s' $(seq 129))" "tab	key"; do
	api POST /api/streams/create-whip "$body" -H "Idempotency-Key: $bad"
	expect_problem 400 invalid_request
done
# 128 printable characters are fine.
api POST /api/streams/create-whip "$body" \
    -H "Idempotency-Key: $(printf 'k%.0s' $(seq 128))"
expect_status 201
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 3 ] ||
    fail "want 3 streams: first, other user's, 128-char key"
