# t0410-streams-publish-token: POST /api/streams/{id}/publish-token gives
# a controller a fresh WHIP publish token for a whip_browser stream (so a
# stream created on a desktop can go live from a phone).  Only its hash
# is stored and it replaces the previous one; anonymous 401, outsider
# 403; obs streams and ended streams 409; the token never reaches a log.

mid=m0410-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0410\",\"ownerUid\":\"u0410-owner\",\"directorUids\":[\"u0410-dir\"]}"
expect_status 201

auth_as u0410-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Phone\"}"
expect_status 201
id=$(json .stream.id)
first=$(json .stream.publishToken)
whip=$(json .stream.whipUrl)
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
stored() { db "select publish_token_hash from streams where id = '$id'"; }
[ "$(stored)" = "$(hash "$first")" ] || fail "creation hash not stored"

no_auth
api POST "/api/streams/$id/publish-token"
expect_problem 401 unauthenticated
auth_as u0410-stranger
api POST "/api/streams/$id/publish-token"
expect_problem 403 forbidden
[ "$(stored)" = "$(hash "$first")" ] || fail "a refused request changed the token"

auth_as u0410-dir
api POST "/api/streams/$id/publish-token"
expect_status 200
second=$(json .publishToken)
expect_json .whipUrl "$whip"
[ -n "$second" ] && [ "$second" != "$first" ] || fail "no new token"
[ "${#second}" -ge 43 ] || fail "token too short: ${#second}"
[ "$(stored)" = "$(hash "$second")" ] || fail "new hash not stored"
db "select count(*) from streams where publish_token_hash = '$second'" |
    grep -qx 0 || fail "the token itself was stored"
echo "$second" >>"$IT_TMP/secrets"

api GET "/api/streams/$id"
expect_status 200
[ "$(json '.stream.publishToken // empty')" = "" ] ||
    fail "the full view shows a publish token"

api GET /api/streams/no-such-stream/publish-token
expect_status 405 404
api POST /api/streams/no-such-stream/publish-token
expect_problem 404 not_found

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"OBS\",\"streamingMethod\":\"obs\"}"
expect_status 201
obs=$(json .stream.id)
api POST "/api/streams/$obs/publish-token"
expect_problem 409 conflict

api POST "/api/streams/$id/end"
expect_status 200
api POST "/api/streams/$id/publish-token"
expect_problem 409 conflict
[ "$(stored)" = "$(hash "$second")" ] || fail "an ended stream's token changed"
expect_logs_lack "$second"
