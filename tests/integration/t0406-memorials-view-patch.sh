# t0406-memorials-view-patch: GET /api/memorials/{id} gives anonymous
# callers and outsiders the public view (no ownerUid, no people), its
# people the full view; PATCH by the owner changes title, people and
# visibility (and the new people can then create streams, the removed
# ones not); changing the owner is for admins only (403 for the owner);
# a director, an outsider and anonymous cannot PATCH (403, 403, 401);
# PATCH cannot change the id.

mid=m0406-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0406\",\"ownerUid\":\"u0406-owner\",\"directorUids\":[\"u0406-dir\"]}"
expect_status 201

for who in anonymous u0406-stranger; do
	if [ $who = anonymous ]; then no_auth; else auth_as $who; fi
	api GET "/api/memorials/$mid"
	expect_status 200
	expect_json .id "$mid"
	expect_json .title "Case 0406"
	expect_json 'has("ownerUid") or has("directorUids") or has("videographerUids")' false
	! grep -q 'u0406-' "$BODY" || fail "$who: the public view names people"
done
auth_as u0406-dir
api GET "/api/memorials/$mid"
expect_status 200
expect_json .ownerUid u0406-owner
api GET /api/memorials/m0406-no-such-memorial
expect_problem 404 not_found

# Who may not PATCH.
no_auth
api PATCH "/api/memorials/$mid" '{"title":"Anon"}'
expect_problem 401 unauthenticated
auth_as u0406-stranger
api PATCH "/api/memorials/$mid" '{"title":"Stranger"}'
expect_problem 403 forbidden
auth_as u0406-dir
api PATCH "/api/memorials/$mid" '{"title":"Director"}'
expect_problem 403 forbidden
[ "$(db "select title from memorials where id = '$mid'")" = "Case 0406" ] ||
    fail "a refused PATCH changed the title"

# The owner changes title, people and visibility.
auth_as u0406-owner
api PATCH "/api/memorials/$mid" '{"title":"Renamed 0406","directorUids":["u0406-dir2"],"videographerUids":["u0406-video"],"visibility":"private"}'
expect_status 200
expect_json .title "Renamed 0406"
expect_json '.directorUids | join(",")' u0406-dir2
expect_json '.videographerUids | join(",")' u0406-video
expect_json .visibility private
expect_json .ownerUid u0406-owner
[ "$(db "select title || '|' || visibility from memorials where id = '$mid'")" = "Renamed 0406|private" ] ||
    fail "PATCH not stored"
[ "$(db "select group_concat(uid, ',') from (select uid from memorial_people where memorial_id = '$mid' order by uid)")" = \
    "u0406-dir2,u0406-video" ] || fail "people not replaced"
# A PATCH without people keeps them.
api PATCH "/api/memorials/$mid" '{"visibility":"public"}'
expect_status 200
expect_json '.directorUids | join(",")' u0406-dir2

# The people changed for real: the new director creates, the old not.
auth_as u0406-dir2
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"New director\"}"
expect_status 201
auth_as u0406-dir
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Old director\"}"
expect_problem 403 forbidden

# The owner cannot hand the memorial over; an admin can.
auth_as u0406-owner
api PATCH "/api/memorials/$mid" '{"ownerUid":"u0406-other"}'
expect_problem 403 forbidden
api PATCH "/api/memorials/$mid" '{"title":"Also renamed","ownerUid":"u0406-other"}'
expect_problem 403 forbidden
[ "$(db "select owner_uid || '|' || title from memorials where id = '$mid'")" = "u0406-owner|Renamed 0406" ] ||
    fail "a refused owner change changed the memorial"
api PATCH "/api/memorials/$mid" "{\"id\":\"m0406-other\"}"
expect_problem 400 invalid_request
auth_as it-admin --role admin
api PATCH "/api/memorials/$mid" '{"ownerUid":"u0406-other"}'
expect_status 200
expect_json .ownerUid u0406-other
auth_as u0406-owner
api PATCH "/api/memorials/$mid" '{"title":"Not mine any more"}'
expect_problem 403 forbidden
