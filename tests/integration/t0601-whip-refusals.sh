# t0601-whip-refusals: POST /whip/{streamId} (SPEC §5 WHIP, RFC 9725)
# refuses what it cannot take, with problem+json and before GStreamer
# sees anything: 415 for a body that is not application/sdp, 401 without
# a token or with another stream's or a wrong one, 404 for an unknown
# stream or one that is not whip_browser, 400 for a body that is not
# SDP, 406 for an offer without H.264 packetization-mode=1 (VP8 only)
# or without Opus, 413 above 64 KiB, 405 for other methods, 410 once the
# stream has ended.  None of these leaves a session behind (the stats
# endpoint shows none) or a file in the media directory.

mid=m0601-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0601\",\"ownerUid\":\"u0601-owner\"}"
expect_status 201
auth_as u0601-owner
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"WHIP refusals\"}"
expect_status 201
id=$(json .stream.id)
tok=$(json .stream.publishToken)
printf '%s\n' "$tok" >>"$IT_TMP/secrets"
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Other\"}"
expect_status 201
other=$(json .stream.id)
other_tok=$(json .stream.publishToken)
printf '%s\n' "$other_tok" >>"$IT_TMP/secrets"
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"OBS\",\"streamingMethod\":\"obs\"}"
expect_status 201
obs=$(json .stream.id)
owner=$AUTH
no_auth

offer=$IT_ROOT/tests/data/sdp/chromium-156-av.sdp
sdp=(-H 'Content-Type: application/sdp')
bearer() { printf 'Authorization: Bearer %s' "$1"; }

api POST "/whip/$id" "@$offer" -H 'Content-Type: text/plain' -H "$(bearer "$tok")"
expect_problem 415 unsupported_media_type
api POST "/whip/$id" "@$offer" -H 'Content-Type: application/json' -H "$(bearer "$tok")"
expect_problem 415 unsupported_media_type

api POST "/whip/$id" "@$offer" "${sdp[@]}"
expect_problem 401 unauthenticated
expect_header WWW-Authenticate '^Bearer'
api POST "/whip/$id" "@$offer" "${sdp[@]}" -H "$(bearer "${tok}x")"
expect_problem 401 unauthenticated
api POST "/whip/$id" "@$offer" "${sdp[@]}" -H "$(bearer "$other_tok")"
expect_problem 401 unauthenticated
api POST "/whip/$id" "@$offer" "${sdp[@]}" -H 'Authorization: Basic dTpw'
expect_problem 401 unauthenticated

api POST "/whip/no-such-stream" "@$offer" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 404 not_found
api POST "/whip/$obs" "@$offer" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 404 not_found
api POST "/whip/$id/x/y" "@$offer" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 404 not_found

printf 'hello, relay\r\n' >"$CASE_TMP/garbage.sdp"
api POST "/whip/$id" "@$CASE_TMP/garbage.sdp" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 400 invalid_request
grep -q 'hello' "$BODY" && fail "the error echoes the body"

# VP8 only: the video m= line lists VP8 and its RTX only.
sed 's/^m=video 9 UDP\/TLS\/RTP\/SAVPF .*$/m=video 9 UDP\/TLS\/RTP\/SAVPF 96 97\r/' \
    "$offer" >"$CASE_TMP/vp8.sdp"
grep -q 'SAVPF 96 97' "$CASE_TMP/vp8.sdp" || fail "could not make the VP8 offer"
api POST "/whip/$id" "@$CASE_TMP/vp8.sdp" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 406 not_acceptable
expect_json .detail 'video must be H.264 with packetization-mode=1'
# No Opus: the audio offers stereo Opus only, as mono.
sed 's/opus\/48000\/2/opus\/48000\/1/' \
    "$IT_ROOT/tests/data/sdp/chromium-156-audio.sdp" >"$CASE_TMP/noopus.sdp"
api POST "/whip/$id" "@$CASE_TMP/noopus.sdp" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 406 not_acceptable

# One byte over 64 KiB: nginx refuses it before the program does.
{ cat "$offer"; head -c $((65537 - $(wc -c <"$offer"))) /dev/zero |
    tr '\0' 'a'; } >"$CASE_TMP/big.sdp"
[ "$(wc -c <"$CASE_TMP/big.sdp")" = 65537 ] || fail "big offer is not 65537 bytes"
api POST "/whip/$id" "@$CASE_TMP/big.sdp" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 413 payload_too_large

api GET "/whip/$id" "" -H "$(bearer "$tok")"
expect_problem 405 method_not_allowed
expect_header Allow 'POST'
api PUT "/whip/$id" "@$offer" "${sdp[@]}" -H "$(bearer "$tok")"
expect_problem 405 method_not_allowed

# Nothing was started by any of these.
AUTH=$owner
api GET "/whip/$id/stats"
expect_status 200
expect_json '.sessions | length' 0
expect_json .live false
[ ! -e "$VIGIL_MEDIA_DIR/$id" ] || [ -z "$(ls -A "$VIGIL_MEDIA_DIR/$id")" ] ||
    fail "a refused offer left files in the media directory"

# An ended stream takes no publisher.
api POST "/api/streams/$other/end"
expect_status 200
no_auth
api POST "/whip/$other" "@$offer" "${sdp[@]}" -H "$(bearer "$other_tok")"
expect_problem 410 gone
