# t0402-streams-list-pages: the listing is newest first and paginated
# (SPEC §5): 5 streams read with limit=2 through nextCursor give 2+2+1
# in creation order reversed, no duplicate, no gap, and the last page
# has nextCursor null; the status filter selects (and pages) by status;
# a bad limit, cursor, status or memorialId is 400 invalid_request; an
# unknown memorial 404.

mid=m0402-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0402\",\"ownerUid\":\"u0402-owner\"}"
expect_status 201

auth_as u0402-owner
ids=()
for i in 1 2 3 4 5; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Part $i\"}"
	expect_status 201
	ids+=("$(json .stream.id)")
	sleep 0.02	# distinct creation times: "newest first" is then exact
done
want=$(printf '%s\n' "${ids[4]}" "${ids[3]}" "${ids[2]}" "${ids[1]}" "${ids[0]}")

# The whole list, newest first.
no_auth
api GET "/api/streams?memorialId=$mid"
expect_status 200
expect_json .nextCursor null
[ "$(json '.streams[].id')" = "$want" ] || fail "not newest first"
expect_json '[.streams[].createdAt] | . == (sort | reverse)' true

# Pages of 2.
got=""
cursor=""
pages=0
while :; do
	q="memorialId=$mid&limit=2"
	[ -z "$cursor" ] || q="$q&cursor=$(jq -rn --arg c "$cursor" '$c | @uri')"
	api GET "/api/streams?$q"
	expect_status 200
	pages=$((pages + 1))
	n=$(json '.streams | length')
	cursor=$(json '.nextCursor // empty')
	got="$got$(json '.streams[].id')"$'\n'
	case $pages in
	1 | 2) [ "$n" = 2 ] && [ -n "$cursor" ] ||
	    fail "page $pages: $n streams, cursor '$cursor'" ;;
	3) [ "$n" = 1 ] && [ -z "$cursor" ] ||
	    fail "page 3: $n streams, cursor '$cursor'"
	    break ;;
	esac
done
[ "$(printf '%s' "$got" | sed '/^$/d')" = "$want" ] ||
    fail "pages gave $(printf '%s' "$got" | tr '\n' ' '), want $(printf '%s' "$want" | tr '\n' ' ')"

# Status filter: one live, one completed, three ready.
auth_as u0402-owner
api POST "/api/streams/${ids[1]}/start"
expect_status 200
api POST "/api/streams/${ids[3]}/end"
expect_status 200
no_auth
api GET "/api/streams?memorialId=$mid&status=live"
expect_status 200
[ "$(json '.streams[].id')" = "${ids[1]}" ] || fail "status=live: $(json '[.streams[].id]')"
api GET "/api/streams?memorialId=$mid&status=completed"
expect_status 200
[ "$(json '.streams[].id')" = "${ids[3]}" ] || fail "status=completed"
api GET "/api/streams?memorialId=$mid&status=ready&limit=2"
expect_status 200
[ "$(json '.streams[].id')" = "$(printf '%s\n' "${ids[4]}" "${ids[2]}")" ] ||
    fail "status=ready page 1"
cursor=$(json .nextCursor)
api GET "/api/streams?memorialId=$mid&status=ready&limit=2&cursor=$(jq -rn --arg c "$cursor" '$c | @uri')"
expect_status 200
[ "$(json '.streams[].id')" = "${ids[0]}" ] || fail "status=ready page 2"
expect_json .nextCursor null

# Bad parameters.
for q in "limit=0" "limit=101" "limit=abc" "limit=-1" "limit=2&limit=3" \
    "limit=" "cursor=garbage" "cursor=123" "cursor=abc.def" \
    "cursor=1.bad%20id" "cursor=99999999999999999999.x" "status=deleted" \
    "status=" ; do
	api GET "/api/streams?memorialId=$mid&$q"
	expect_problem 400 invalid_request
done
for q in "" "memorialId=" "memorialId=bad%20id" "memorialId=$mid&memorialId=$mid"; do
	api GET "/api/streams?$q"
	expect_problem 400 invalid_request
done
api GET "/api/streams?memorialId=m0402-no-such-memorial"
expect_problem 404 not_found
