# t0903-abuse-garbage: no single request kills a FastCGI worker (SPEC
# §10).  Garbage is sent to every control-plane program (create-whip,
# streams, memorials, session): huge and malformed Cookie and
# Authorization headers, invalid UTF-8 in a title (bad bytes, overlong
# forms, surrogates, lone surrogate escapes), JSON nested 10000 levels
# deep inside 16 KiB, odd and unknown methods, bad query escapes and
# long queries.  Each gets a 4xx (never a 5xx nor a dropped
# connection), every program answers normally afterwards, and no
# worker died (the supervisor logs each death and replaces the worker,
# so processes-alive alone would not see it).

mid=m0903-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0903\",\"ownerUid\":\"u0903-owner\"}"
expect_status 201
owner=$(token --sub u0903-owner)
admin=$AUTH
deaths() {
	cat "$RUNDIR"/log/*.log 2>/dev/null |
	    grep -cE 'worker [0-9]+ (killed by signal|exited with)' || true
}
deaths0=$(deaths)

four() {
	# four WHAT: the last answer was a 4xx.
	case $STATUS in
	4??) ;;
	*) fail "$1: want a 4xx, got $STATUS" ;;
	esac
}

sane() {
	# sane WHAT: an answer, and not a server error (GETs may be 200).
	case $STATUS in
	2?? | 4??) ;;
	*) fail "$1: want 2xx or 4xx, got $STATUS" ;;
	esac
}

alive() {
	# alive WHAT: every program still answers a normal request.
	AUTH=$owner
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Still here\"}"
	[ "$STATUS" = 201 ] || fail "after $1: create-whip answers $STATUS"
	no_auth
	api GET "/api/streams?memorialId=$mid&limit=1"
	[ "$STATUS" = 200 ] || fail "after $1: streams answers $STATUS"
	api GET "/api/memorials/$mid"
	[ "$STATUS" = 200 ] || fail "after $1: memorials answers $STATUS"
	api GET /api/session
	[ "$STATUS" = 401 ] || fail "after $1: session answers $STATUS"
	[ "$(deaths)" = "$deaths0" ] || fail "after $1: a worker died: $(cat "$RUNDIR"/log/*.log | grep -E 'worker [0-9]+ (killed|exited)')"
}

body="{\"memorialId\":\"$mid\",\"title\":\"Garbage\"}"
endpoints="POST:/api/streams/create-whip GET:/api/streams?memorialId=$mid POST:/api/memorials PATCH:/api/memorials/$mid GET:/api/session"

# Headers.
big=$(head -c 7000 /dev/zero | tr '\0' a)
for e in $endpoints; do
	meth=${e%%:*} path=${e#*:}
	no_auth
	api "$meth" "$path" "$body" -H "Cookie: session=$big"
	sane "huge cookie on $path"
	api "$meth" "$path" "$body" -H "Cookie: $(for i in $(seq 300); do printf 'session=x%d; ' "$i"; done)"
	sane "many cookies on $path"
	api "$meth" "$path" "$body" -H 'Cookie: session="'
	sane "half-quoted cookie on $path"
	api "$meth" "$path" "$body" -H 'Cookie: ;;;=;=;session'
	sane "cookie punctuation on $path"
	api "$meth" "$path" "$body" -H "Authorization: Bearer $big"
	sane "huge bearer on $path"
	api "$meth" "$path" "$body" -H "Authorization: Bearer $(printf 'a.%.0s' $(seq 2000))"
	sane "many dots on $path"
	api "$meth" "$path" "$body" -H "Authorization: Bearer eyJ.eyJ.e$(printf '\x01\xff')"
	sane "control bytes in a bearer on $path"
	api "$meth" "$path" "$body" -H "Cookie: session=$(head -c 9000 /dev/zero | tr '\0' b)"
	sane "cookie over nginx's buffer on $path"
done
# Where a session is needed, garbage is no session.
no_auth
api POST /api/streams/create-whip "$body" -H "Cookie: session=$big"
expect_problem 401 unauthenticated
api POST /api/streams/create-whip "$body" -H "Authorization: Bearer $big"
expect_problem 401 unauthenticated
api POST /api/streams/create-whip "$body" -H "Cookie: $(for i in $(seq 300); do printf 'session=x%d; ' "$i"; done)"
expect_problem 401 unauthenticated
alive "header garbage"

# Invalid UTF-8 and odd escapes in a title.
AUTH=$owner
for t in '\xff\xfe' '\xc0\xaf' '\xe0\x80\xaf' '\xed\xa0\x80' '\xf4\x90\x80\x80' \
    '\xc3' 'a\xe2\x82' '\xf8\x88\x80\x80\x80'; do
	printf '{"memorialId":"%s","title":"x%by"}' "$mid" "$t" >"$CASE_TMP/utf8.json"
	api POST /api/streams/create-whip "@$CASE_TMP/utf8.json"
	expect_problem 400 invalid_request
	AUTH=$admin
	printf '{"title":"x%by","ownerUid":"u"}' "$t" >"$CASE_TMP/utf8m.json"
	api POST /api/memorials "@$CASE_TMP/utf8m.json"
	expect_problem 400 invalid_request
	api PATCH "/api/memorials/$mid" "@$CASE_TMP/utf8m.json"
	four "invalid UTF-8 in a PATCH"
	AUTH=$owner
done
for esc in '\ud800' '\udc00x' '\ud800\u0041' '\uzzzz' '\u12' '\u00zz' \
    '\u' '\u0'; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"x${esc}y\"}"
	expect_problem 400 invalid_request
done
alive "invalid UTF-8"

# Deep nesting within 16 KiB: 10000 open brackets, and 8000 balanced.
open=$(head -c 10000 /dev/zero | tr '\0' '[')
open_obj=$(for _ in $(seq 2700); do printf '{"a":'; done)
balanced="$(head -c 8000 /dev/zero | tr '\0' '[')$(head -c 8000 /dev/zero | tr '\0' ']')"
for nest in "$open" "$open_obj" "$balanced" \
    "{\"memorialId\":\"$mid\",\"title\":\"t\",\"x\":$balanced}"; do
	[ ${#nest} -le 16384 ] || fail "nesting body over 16 KiB (${#nest})"
	AUTH=$owner
	api POST /api/streams/create-whip "$nest"
	expect_problem 400 invalid_request
	AUTH=$admin
	api POST /api/memorials "$nest"
	expect_problem 400 invalid_request
	api PATCH "/api/memorials/$mid" "$nest"
	expect_problem 400 invalid_request
	no_auth
	api POST /api/session "$nest"
	expect_problem 400 invalid_request
done
alive "deep nesting"

# Odd methods on every location.
for path in /api/streams/create-whip "/api/streams?memorialId=$mid" \
    /api/streams/x /api/streams/x/start "/api/memorials/$mid" /api/memorials \
    /api/session; do
	for meth in PUT PATCH DELETE OPTIONS PROPFIND TRACE FOO CONNECT \
	    "GET2" "get"; do
		AUTH=$owner
		api "$meth" "$path"
		case $STATUS in
		4??) ;;
		2??) case "$meth $path" in
		     "DELETE /api/session" | "PATCH /api/memorials/$mid" |\
		     "OPTIONS "*) ;;
		     *) fail "$meth $path: $STATUS" ;;
		     esac ;;
		*) fail "$meth $path: want 4xx, got $STATUS" ;;
		esac
	done
done
alive "odd methods"

# Queries.
no_auth
for q in "memorialId=%zz" "memorialId=%" "memorialId=%00x" "memorialId=$mid&limit=%ff" \
    "memorialId=$mid&cursor=%ff%fe.%00" "$(printf 'a=%.0s' $(seq 600))memorialId=$mid" \
    "memorialId=$mid&$(printf 'status=live&%.0s' $(seq 50))" "&&&=&=" \
    "memorialId[]=$mid" "=$mid"; do
	api GET "/api/streams?$q"
	four "query $q"
done
alive "bad queries"
