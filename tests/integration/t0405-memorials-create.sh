# t0405-memorials-create: POST /api/memorials is for admins (SPEC §5):
# anonymous 401, a non-admin 403 (nothing stored); an admin gets 201
# with the memorial (people included), a generated id when none is
# given, 409 conflict for an existing id; a bad body is 400.

mid=m0405-$RANDOM$RANDOM
body="{\"id\":\"$mid\",\"title\":\"Case 0405\",\"ownerUid\":\"u0405-owner\",\"directorUids\":[\"u0405-dir\"],\"videographerUids\":[\"u0405-video\"],\"visibility\":\"private\"}"
count() { db "select count(*) from memorials where id = '$mid'"; }

no_auth
api POST /api/memorials "$body"
expect_problem 401 unauthenticated
auth_as u0405-owner
api POST /api/memorials "$body"
expect_problem 403 forbidden
AUTH=$(token --sub u0405-owner --name admin)
api POST /api/memorials "$body"
expect_problem 403 forbidden
[ "$(count)" = 0 ] || fail "a refused create stored a memorial"

auth_as it-admin --role admin
api POST /api/memorials "$body"
expect_status 201
expect_json .id "$mid"
expect_json .title "Case 0405"
expect_json .ownerUid u0405-owner
expect_json '.directorUids | join(",")' u0405-dir
expect_json '.videographerUids | join(",")' u0405-video
expect_json .visibility private
[ "$(count)" = 1 ] || fail "not stored"
[ "$(db "select uid || ':' || role from memorial_people where memorial_id = '$mid' order by uid")" = \
    "$(printf 'u0405-dir:director\nu0405-video:videographer')" ] ||
    fail "people not stored"
api GET "/api/memorials/$mid"
expect_status 200
expect_json .title "Case 0405"

# The same id again: 409, the first one unchanged.
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Taken over\",\"ownerUid\":\"u0405-thief\"}"
expect_problem 409 conflict
[ "$(db "select owner_uid || '|' || title from memorials where id = '$mid'")" = "u0405-owner|Case 0405" ] ||
    fail "a conflicting create changed the memorial"

# No id: one is generated, and two such are distinct.
api POST /api/memorials '{"title":"Generated 0405","ownerUid":"u0405-owner"}'
expect_status 201
g1=$(json .id)
[[ $g1 =~ ^[A-Za-z0-9_-]{1,64}$ ]] || fail "generated id '$g1' is not an id"
expect_json .visibility public
api POST /api/memorials '{"title":"Generated 0405","ownerUid":"u0405-owner"}'
expect_status 201
g2=$(json .id)
[ "$g1" != "$g2" ] || fail "two generated ids are equal"
[ "$(db "select count(*) from memorials where id in ('$g1', '$g2')")" = 2 ] ||
    fail "generated memorials not stored"
# The generated memorial takes streams.
auth_as u0405-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$g1\",\"title\":\"On a generated id\"}"
expect_status 201

# Bad bodies.
auth_as it-admin --role admin
for b in '{"title":"No owner"}' '{"ownerUid":"u"}' \
    '{"id":"bad id","title":"t","ownerUid":"u"}' \
    '{"title":"t","ownerUid":"u","visibility":"secret"}' \
    '{"title":"t","ownerUid":"u","directorUids":"u2"}' \
    '{"title":"t","ownerUid":"u","directorUids":["bad uid"]}' \
    '[]' 'not json'; do
	api POST /api/memorials "$b"
	expect_problem 400 invalid_request
done
