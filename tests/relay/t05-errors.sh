# t05-errors: the WHIP endpoint's refusals (SPEC §5 WHIP), curl-level with
# real Chromium offers from tests/data/sdp/: no or wrong token -> 401
# (another stream's token too), wrong Content-Type -> 415, garbage SDP ->
# 400, an offer without H.264 -> 406, unknown stream -> 404, a second
# publisher while the first is live -> 409 (the first one unaffected),
# DELETE of an unknown session -> 404, DELETE with a wrong token -> 401
# (the session unaffected), an oversized offer -> 413, OPTIONS -> CORS,
# a completed stream -> 410.
# Every refusal is application/problem+json and creates no session.

sdp=$IT_ROOT/tests/data/sdp/chromium-156-av.sdp
vp8=$IT_ROOT/tests/data/sdp/chromium-156-vp8-only.sdp
[ -s "$sdp" ] && [ -s "$vp8" ] || fail "missing SDP fixtures in tests/data/sdp/"

new_stream "Other stream"
other_token=$PTOKEN
new_stream "Errors"

# whip_post FILE [CONTENT-TYPE] [curl args]: POST to /whip/$SID with AUTH.
# A 201 here is a bug in itself; its session is deleted at once.
whip_post() {
	local file=$1 ct=${2:-application/sdp}
	shift 2 || shift $#
	api POST "/whip/$SID" "@$file" -H "Content-Type: $ct" "$@"
	if [ "$STATUS" = 201 ]; then
		local loc
		loc=$(header Location)
		curl -sS -o /dev/null --max-time 10 -X DELETE \
		    -H "Authorization: Bearer $PTOKEN" "${loc/#\//$BASE/}" || true
	fi
}

no_auth
whip_post "$sdp"
expect_problem 401 unauthenticated

AUTH=not-the-token-$RANDOM
whip_post "$sdp"
expect_problem 401 unauthenticated

AUTH=$other_token
whip_post "$sdp"
expect_problem 401 unauthenticated

AUTH=$PTOKEN
whip_post "$sdp" application/json
expect_problem 415 unsupported_media_type
whip_post "$sdp" text/plain
expect_problem 415 unsupported_media_type

printf 'hello, this is not SDP\r\n' >"$CASE_TMP/garbage.sdp"
whip_post "$CASE_TMP/garbage.sdp"
expect_problem 400 invalid_request
head -c 300 "$sdp" >"$CASE_TMP/truncated.sdp"
whip_post "$CASE_TMP/truncated.sdp"
expect_status 400
: >"$CASE_TMP/empty.sdp"
whip_post "$CASE_TMP/empty.sdp"
expect_status 400

whip_post "$vp8"
expect_status 406
expect_header Content-Type '^application/problem\+json'

head -c 70000 /dev/zero | tr '\0' 'a' >"$CASE_TMP/big.sdp"
whip_post "$CASE_TMP/big.sdp"
expect_status 413

api POST "/whip/no-such-stream-$RANDOM" "@$sdp" -H 'Content-Type: application/sdp'
expect_problem 404 not_found

# CORS: our own origin only.
api OPTIONS "/whip/$SID" "" -H "Origin: $BASE" \
    -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: authorization, content-type'
expect_status 200 204
expect_header Access-Control-Allow-Methods 'POST'
expect_header Access-Control-Allow-Origin "^$BASE\$"
api OPTIONS "/whip/$SID" "" -H 'Origin: https://elsewhere.example' \
    -H 'Access-Control-Request-Method: POST'
[ -z "$(header Access-Control-Allow-Origin)" ] ||
    fail "CORS allowed a foreign origin: $(header Access-Control-Allow-Origin)"

api DELETE "/whip/$SID/no-such-session"
expect_status 404

# None of that made a session: a publisher is taken at once.  While it
# is live: a second publisher gets 409, a DELETE with the wrong token 401.
publish_bg --seconds 10
wait_event connected 40 || { publish_wait; fail "the publisher never connected"; }
loc=$(jq -r 'select(.event == "connected") | .location' "$PUB_ERR" | head -n 1)
[ -n "$loc" ] && [ "$loc" != null ] || fail "no Location from the publisher"
path=${loc#"$BASE"}

AUTH=$PTOKEN
whip_post "$sdp"
expect_problem 409 conflict

# The session URL is the capability (cgi-bin/whip.c), but a token that
# is sent must be the stream's.
AUTH=not-the-token-$RANDOM
api DELETE "$path"
expect_problem 401 unauthenticated
AUTH=$other_token
api DELETE "$path"
expect_problem 401 unauthenticated

# Keep the part's inode (a hard link): should the relay remove the file
# as "empty", what it really held is still there to show.
sleep 3
snap=$(local_parts | tail -n 1)
[ -z "$snap" ] || ln "$snap" "$CASE_TMP/kept.mp4"
publish_wait
expect_published
[ "$(pub .retries409)" = 0 ] || fail "the first publisher got a 409"
if ! ledger_local_ready 1 20 2>"$CASE_TMP/ledger.err"; then
	cat "$CASE_TMP/ledger.err" >&2
	[ -e "$snap" ] || echo "the relay removed $snap"
	probe "$CASE_TMP/kept.mp4" &&
	    echo "what it held: $(codecs), $(duration) s, $(stat -c %s "$CASE_TMP/kept.mp4") B"
	exit 1
fi
expect_av "$(local_parts | tail -n 1)" 7 13

# The ended session's Location is gone.
AUTH=$PTOKEN
api DELETE "$path"
expect_status 404

# A completed stream takes no publisher.
auth_as "$OWNER"
api POST "/api/streams/$SID/end"
expect_status 200
AUTH=$PTOKEN
whip_post "$sdp"
expect_problem 410 gone
