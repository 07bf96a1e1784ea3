# t0412-media-private: the relay's media under /media/{streamId}/ is for
# those who may watch the stream (SPEC §4), as the listing is: anyone
# for a public memorial; for a private one 401 to anonymous callers
# (within 1 s: nginx keeps anonymous answers that long), 403 to other
# signed-in users, 200 to the owner, a director and an admin, with the
# bearer token or the session cookie.  A session that is no longer valid
# counts as none (a public memorial's picture never depends on it).  A
# directory that is no stream, and a path that only resolves to a
# stream's directory (dot segments, encoded slashes, doubled slashes),
# are refused; names starting with a dot are 404; files straight under
# /media/ are served as they are.  Back to public: anyone again.

mid=m0412-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0412\",\"ownerUid\":\"u0412-owner\",\"directorUids\":[\"u0412-dir\"]}"
expect_status 201
auth_as u0412-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Media\"}"
expect_status 201
id=$(json .stream.id)

# What the relay would have written for the stream.
mkdir -p "$VIGIL_MEDIA_DIR/$id" "$VIGIL_MEDIA_DIR/not-a-stream-0412"
printf '#EXTM3U\n# 0412\n' >"$VIGIL_MEDIA_DIR/$id/live.m3u8"
printf 'hidden' >"$VIGIL_MEDIA_DIR/$id/.hidden"
printf 'x' >"$VIGIL_MEDIA_DIR/not-a-stream-0412/live.m3u8"
printf 'top' >"$VIGIL_MEDIA_DIR/t0412-top.txt"

# media PATH [curl args...]: GET it, STATUS and BODY as api() sets them.
media() {
	local path=$1
	shift
	api GET "$path" "" "$@"
}

no_auth
media "/media/$id/live.m3u8"
expect_status 200
grep -q '# 0412' "$BODY" || fail "the playlist is not what was written"
expect_header Cache-Control no-cache
media "/media/$id/.hidden"
expect_status 404
media "/media/not-a-stream-0412/live.m3u8"
expect_status 403
media "/media/t0412-top.txt"
expect_status 200
api POST "/media/$id/live.m3u8" "x" -H 'Content-Type: text/plain'
[ "$STATUS" = 403 ] || [ "$STATUS" = 405 ] ||
    fail "POST to media: $STATUS, not refused"

auth_as u0412-owner
api PATCH "/api/memorials/$mid" '{"visibility":"private"}'
expect_status 200

no_auth
anon_refused() {
	media "/media/$id/live.m3u8"
	[ "$STATUS" = 401 ]
}
wait_for 3 anon_refused ||
    fail "media still served anonymously 3 s after going private"
! grep -q '# 0412' "$BODY" || fail "the 401 carries the playlist"
# Other spellings that nginx resolves to the same directory.
for p in "/media/not-a-stream-0412/../$id/live.m3u8" \
    "/media//$id/live.m3u8" "/media/$id%2Flive.m3u8" \
    "/media/$id/./live.m3u8"; do
	media "$p" --path-as-is
	case $STATUS in
	401|400|404) ;;
	*) fail "$p: $STATUS (the private playlist by another name?)" ;;
	esac
	! grep -q '# 0412' "$BODY" || fail "$p served the private playlist"
done
# An expired session is no session: 401, not an error.
now=$(date +%s)
expired=$(jwt '{"alg":"HS256","typ":"JWT"}' \
    "{\"sub\":\"u0412-owner\",\"iat\":$((now - 7200)),\"exp\":$((now - 3600))}" \
    HS256 "$JWT_SECRET_FILE")
media "/media/$id/live.m3u8" -H "Authorization: Bearer $expired"
expect_status 401
media "/media/$id/live.m3u8" -H "Cookie: session=not-a-token"
expect_status 401

auth_as u0412-stranger
media "/media/$id/live.m3u8"
expect_status 403
! grep -q '# 0412' "$BODY" || fail "the 403 carries the playlist"

for who in u0412-owner u0412-dir; do
	auth_as "$who"
	media "/media/$id/live.m3u8"
	expect_status 200
	grep -q '# 0412' "$BODY" || fail "$who did not get the playlist"
done
auth_as it-admin-0412 --role admin
media "/media/$id/live.m3u8"
expect_status 200
# The session cookie, as the browser sends it.
cookie=$(token --sub u0412-dir)
no_auth
media "/media/$id/live.m3u8" -H "Cookie: session=$cookie"
expect_status 200
grep -q '# 0412' "$BODY" || fail "the cookie did not get the playlist"

auth_as u0412-owner
api PATCH "/api/memorials/$mid" '{"visibility":"public"}'
expect_status 200
no_auth
anon_served() {
	media "/media/$id/live.m3u8"
	[ "$STATUS" = 200 ]
}
wait_for 3 anon_served || fail "media not served 3 s after going public: $STATUS"
rm -rf "$VIGIL_MEDIA_DIR/not-a-stream-0412" "$VIGIL_MEDIA_DIR/t0412-top.txt"
