# t0602-whip-session: a WHIP session's life without media (SPEC §5, §7;
# RFC 9725), with Chromium's real offer sent by curl, so ICE never
# connects: POST answers 201 with an SDP answer (application/sdp) that
# picked H.264 constrained baseline packetization-mode=1 and Opus, kept
# the offer's transport-cc extension, carries our host candidate and the
# bandwidth limit (b=AS), with a Location of the session and an ETag.  A
# second POST while the first is fresh is 409; once the first has been
# silent for 2 s a new POST replaces it.  PATCH trickles (204), refuses
# an ICE restart (422), a wrong If-Match (412), a wrong type (415) and
# garbage (400); DELETE ends (200), then 404.  OPTIONS answers CORS only
# for our own origin.  The stats endpoint is for controllers only.

mid=m0602-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0602\",\"ownerUid\":\"u0602-owner\"}"
expect_status 201
auth_as u0602-owner
owner=$AUTH
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"WHIP session\"}"
expect_status 201
id=$(json .stream.id)
tok=$(json .stream.publishToken)
printf '%s\n' "$tok" >>"$IT_TMP/secrets"
no_auth
offer=$IT_ROOT/tests/data/sdp/chromium-156-av.sdp
sdp=(-H 'Content-Type: application/sdp' -H "Authorization: Bearer $tok")

# OPTIONS: CORS for our origin only.
api OPTIONS "/whip/$id" "" -H "Origin: $BASE" \
    -H 'Access-Control-Request-Method: POST'
expect_status 204
expect_header Access-Control-Allow-Origin "^$BASE\$"
expect_header Access-Control-Allow-Methods 'POST'
expect_header Access-Control-Allow-Headers 'Authorization'
expect_header Access-Control-Allow-Headers 'If-Match'
expect_header Accept-Post 'application/sdp'
api OPTIONS "/whip/$id" "" -H 'Origin: https://evil.example'
expect_status 204
[ -z "$(header Access-Control-Allow-Origin)" ] || fail "CORS for a foreign origin"

t0=$(date +%s%N)
api POST "/whip/$id" "@$offer" "${sdp[@]}" -H "Origin: $BASE"
t1=$(date +%s%N)
expect_status 201
expect_header Content-Type '^application/sdp'
expect_header Location "^/whip/$id/[A-Za-z0-9_-]{22}\$"
expect_header ETag '^"[A-Za-z0-9_-]+"$'
expect_header Access-Control-Expose-Headers 'Location'
loc=$(header Location)
# The session part of the Location ends the broadcast: no log may hold it.
printf '%s\n' "${loc##*/}" >>"$IT_TMP/secrets"
etag=$(header ETag)
echo "POST -> 201 in $(((t1 - t0) / 1000000)) ms"
tr -d '\r' <"$BODY" >"$CASE_TMP/answer"
grep -q '^v=0$' "$CASE_TMP/answer" || fail "the answer is not SDP"
grep -q '^m=video 9 UDP/TLS/RTP/SAVPF 108$' "$CASE_TMP/answer" ||
    fail "video: not the constrained baseline payload type 108"
grep -q '^a=fmtp:108 .*packetization-mode=1' "$CASE_TMP/answer" ||
    fail "video: no packetization-mode=1"
grep -q '^a=fmtp:108 .*profile-level-id=42e01f' "$CASE_TMP/answer" ||
    fail "video: wrong profile-level-id"
grep -q '^m=audio 9 UDP/TLS/RTP/SAVPF 111$' "$CASE_TMP/answer" ||
    fail "audio: not Opus 111"
grep -q '^a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' \
    "$CASE_TMP/answer" || fail "no transport-cc extension in the answer"
grep -q '^a=candidate:.* 127\.0\.0\.1 [0-9]* typ host' "$CASE_TMP/answer" ||
    fail "no host candidate on 127.0.0.1"
grep -q '^b=AS:[0-9]' "$CASE_TMP/answer" || fail "no b=AS in the answer"
grep -q '^a=setup:active' "$CASE_TMP/answer" || fail "not DTLS active"

# A fresh publisher blocks a second one.
api POST "/whip/$id" "@$offer" "${sdp[@]}"
expect_problem 409 conflict

# Trickle ICE on the session.
frag=(-H 'Content-Type: application/trickle-ice-sdpfrag')
printf 'a=ice-ufrag:F9Ke\r\na=ice-pwd:Rjfj73njO/dBam0ASsqapdct\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host\r\na=end-of-candidates\r\n' \
    >"$CASE_TMP/frag"
api PATCH "$loc" "@$CASE_TMP/frag" "${frag[@]}" -H "If-Match: $etag"
expect_status 204
api PATCH "$loc" "@$CASE_TMP/frag" "${frag[@]}"
expect_status 204
api PATCH "$loc" "@$CASE_TMP/frag" "${frag[@]}" -H 'If-Match: "nope"'
expect_problem 412 precondition_failed
sed 's/F9Ke/ZZZZ/' "$CASE_TMP/frag" >"$CASE_TMP/restart"
api PATCH "$loc" "@$CASE_TMP/restart" "${frag[@]}" -H 'If-Match: *'
expect_problem 422 unprocessable
api PATCH "$loc" "@$CASE_TMP/frag" -H 'Content-Type: application/sdp'
expect_problem 415 unsupported_media_type
printf 'garbage' >"$CASE_TMP/garbage"
api PATCH "$loc" "@$CASE_TMP/garbage" "${frag[@]}"
expect_problem 400 invalid_request
api PATCH "/whip/$id/AAAAAAAAAAAAAAAAAAAAAA" "@$CASE_TMP/frag" "${frag[@]}"
expect_problem 404 not_found
api PATCH "$loc" "@$CASE_TMP/frag" "${frag[@]}" -H 'Authorization: Bearer wrong'
expect_problem 401 unauthenticated

# Statistics: controllers only.
api GET "/whip/$id/stats"
expect_problem 401 unauthenticated
auth_as u0602-stranger
api GET "/whip/$id/stats"
expect_status 403 404
AUTH=$owner
api GET "/whip/$id/stats"
expect_status 200
expect_json '.sessions | length' 1
expect_json '.sessions[0].state' connecting
expect_json '.sessions[0].video.profile' constrained-baseline
no_auth

# Silent for 2 s: a new POST takes over, the first session ends.
sleep 2.5
api POST "/whip/$id" "@$offer" "${sdp[@]}"
expect_status 201
loc2=$(header Location)
printf '%s\n' "${loc2##*/}" >>"$IT_TMP/secrets"
[ "$loc2" != "$loc" ] || fail "the new session has the old Location"
# The replaced session is over (or just finishing).
api DELETE "$loc"
expect_status 404 200
api DELETE "$loc2" "" -H "Authorization: Bearer $tok"
expect_status 200
api DELETE "$loc2"
expect_problem 404 not_found

AUTH=$owner
api GET "/whip/$id/stats"
expect_status 200
expect_json '[.sessions[] | select(.state == "ended")] | length' 2
expect_json '[.sessions[].endReason] | sort | join(",")' deleted,replaced
# No media ever came: the stream is not live, no recording.
api GET "/api/streams/$id"
expect_json .stream.status ready
expect_json '.stream.recordingSources.local.recordings | length' 0
expect_logs_lack "$tok"
