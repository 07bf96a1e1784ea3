# t0403-streams-list-private: a private memorial's streams are for its
# people only (SPEC §4).  After the owner PATCHes visibility to private:
# the listing is 401 for anonymous callers (once nginx's anonymous
# micro-cache has expired: within 1 s), 403 for another signed-in
# user, 200 for the owner, a director and an admin; one stream and the
# memorial itself are not found for outsiders.  Back to public: anyone
# lists again.

mid=m0403-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0403\",\"ownerUid\":\"u0403-owner\",\"directorUids\":[\"u0403-dir\"]}"
expect_status 201

auth_as u0403-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Family only\"}"
expect_status 201
id=$(json .stream.id)

no_auth
api GET "/api/streams?memorialId=$mid"
expect_status 200
expect_json '.streams | length' 1

auth_as u0403-owner
api PATCH "/api/memorials/$mid" '{"visibility":"private"}'
expect_status 200
expect_json .visibility private
[ "$(db "select visibility from memorials where id = '$mid'")" = private ] ||
    fail "visibility not stored"

# The anonymous listing above may still be answered from nginx's 1 s
# micro-cache (t0411), so wait that out.
no_auth
anon_refused() {
	api GET "/api/streams?memorialId=$mid"
	[ "$STATUS" = 401 ]
}
wait_for 3 anon_refused || fail "still listed anonymously 3 s after going private"
expect_problem 401 unauthenticated
! grep -q 'Family only' "$BODY" || fail "401 shows a stream title"
api GET "/api/streams/$id"
expect_problem 404 not_found
api GET "/api/memorials/$mid"
expect_problem 404 not_found

auth_as u0403-stranger
api GET "/api/streams?memorialId=$mid"
expect_problem 403 forbidden
! grep -q 'Family only' "$BODY" || fail "403 shows a stream title"
api GET "/api/streams/$id"
expect_problem 404 not_found
api GET "/api/memorials/$mid"
expect_problem 404 not_found

for who in u0403-owner u0403-dir; do
	auth_as "$who"
	api GET "/api/streams?memorialId=$mid"
	expect_status 200
	expect_json '.streams[0].id' "$id"
	api GET "/api/streams/$id"
	expect_status 200
	expect_json .stream.id "$id"
done
auth_as it-admin-0403 --role admin
api GET "/api/streams?memorialId=$mid"
expect_status 200
expect_json '.streams | length' 1

auth_as u0403-owner
api PATCH "/api/memorials/$mid" '{"visibility":"public"}'
expect_status 200
no_auth
api GET "/api/streams?memorialId=$mid"
expect_status 200
expect_json '.streams[0].id' "$id"
