# t0114-create-authz: who may create streams for a memorial (SPEC §4,
# §5 step 1).  A valid token of someone who is neither owner nor
# assigned: 403 forbidden and nothing made.  The owner, a director, a
# videographer and an admin: 201.  An unknown memorial: 404 not_found.
# The session cookie (Cookie: session=TOKEN) works like Bearer.

mid=m0114-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0114\",\"ownerUid\":\"u0114-owner\",\"directorUids\":[\"u0114-dir\"],\"videographerUids\":[\"u0114-video\"]}"
expect_status 201
body="{\"memorialId\":\"$mid\",\"title\":\"Who\"}"
count() { db "select count(*) from streams where memorial_id = '$mid'"; }

fake_reset
auth_as u0114-stranger
api POST /api/streams/create-whip "$body"
expect_problem 403 forbidden
# An admin role claim only counts when it says admin.
AUTH=$(token --sub u0114-stranger --name "Not An Admin")
api POST /api/streams/create-whip "$body"
expect_problem 403 forbidden
[ "$(count)" = 0 ] || fail "a forbidden request stored a stream"
[ "$(fake_requests | jq length)" = 0 ] || fail "a forbidden request called a provider"

api POST /api/streams/create-whip "{\"memorialId\":\"m0114-no-such-memorial\",\"title\":\"Who\"}"
expect_problem 404 not_found
[ "$(fake_requests | jq length)" = 0 ] || fail "an unknown memorial called a provider"

n=0
for who in u0114-owner u0114-dir u0114-video; do
	auth_as "$who"
	api POST /api/streams/create-whip "$body"
	expect_status 201
	expect_json .stream.createdBy "$who"
	n=$((n + 1))
done
auth_as it-admin-0114 --role admin
api POST /api/streams/create-whip "$body"
expect_status 201
expect_json .stream.createdBy it-admin-0114
n=$((n + 1))

# The cookie works like Bearer.
tok=$(token --sub u0114-dir)
no_auth
api POST /api/streams/create-whip "$body" -H "Cookie: theme=dark; session=$tok; x=1"
expect_status 201
expect_json .stream.createdBy u0114-dir
n=$((n + 1))
api POST /api/streams/create-whip "$body" -H "Cookie: session=$(token --sub u0114-stranger)"
expect_problem 403 forbidden
# A cookie of another name is no session.
api POST /api/streams/create-whip "$body" -H "Cookie: notsession=$tok"
expect_problem 401 unauthenticated
[ "$(count)" = "$n" ] || fail "want $n streams, have $(count)"
