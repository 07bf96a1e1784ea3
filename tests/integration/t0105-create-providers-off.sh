# t0105-create-providers-off: with no provider credentials (a fresh
# machine, SPEC §1, §2) whip_browser still works: 201 with the local
# recording source only, and no provider is contacted.  obs and
# cloudflare_whip need Cloudflare: 400 method_unavailable, nothing
# stored.  Asking for Mux backup gives a warning, not an error.

mid=m0105-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0105\",\"ownerUid\":\"u0105-owner\"}"
expect_status 201

restart_stack_with -u CLOUDFLARE_API_TOKEN -u CLOUDFLARE_ACCOUNT_ID \
    -u MUX_TOKEN_ID -u MUX_TOKEN_SECRET
fake_reset
auth_as u0105-owner

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Local only\"}"
expect_status 201
expect_json .stream.streamingMethod whip_browser
id=$(json .stream.id)
expect_json .stream.whipUrl "$VIGIL_PUBLIC_URL/whip/$id"
[ -n "$(json '.stream.publishToken // empty')" ] || fail "no publishToken"
expect_json '.stream.recordingSources | keys | join(",")' local
expect_json '.stream.cloudflareInputId // "none"' none
expect_json '.stream.muxLiveStreamId // "none"' none
expect_json '.warnings | length' 0
expect_json .stream.playback.liveHls "/media/$id/live.m3u8"

api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Local, Mux asked\",\"muxBackup\":true}"
expect_status 201
expect_json '.stream.recordingSources | keys | join(",")' local
expect_json '.warnings | length' 1
json '.warnings[0]' | grep -qi mux || fail "the warning does not name Mux"

for m in obs cloudflare_whip mux_whip; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"$m\",\"streamingMethod\":\"$m\"}"
	expect_problem 400 method_unavailable
done

[ "$(fake_requests | jq length)" = 0 ] ||
    fail "providers off, yet the fake got: $(fake_requests | jq -c '[.[].op]')"
[ "$(db "select count(*) from streams where memorial_id = '$mid'")" = 2 ] ||
    fail "want exactly the 2 whip_browser streams stored"
