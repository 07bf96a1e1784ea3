# t0411-listing-cache: nginx's anonymous micro-cache (nginx/vigil.conf.in,
# README "The listing micro-cache").  Anonymous GET /api/streams?... and
# GET /api/streams/{id} asked twice within a second: the second is a HIT
# (X-Cache-Status, loopback rendering only) that the streams program
# never sees (its log), with the same bytes and the client still told
# Cache-Control: no-store.  A signed-in request (Authorization, or the
# session cookie, alone or after another cookie) is never answered from
# the cache and never stored: an anonymous request right after an owner's
# gets no secret, and no secret is ever in the cache directory.  HEAD and
# non-200 answers are not cached.  A memorial made private stops being
# listed anonymously within 1.5 s (a copy is only used in the second it
# was made), even to eight concurrent anonymous pollers.

mid=m0411-$RANDOM$RANDOM
owner=u0411-owner
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0411\",\"ownerUid\":\"$owner\"}"
expect_status 201

auth_as "$owner"
OWNER_TOKEN=$AUTH
secrets=$CASE_TMP/secrets
: >"$secrets"
ids=()
for m in whip_browser obs; do
	api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Cached $m\",\"streamingMethod\":\"$m\"}"
	expect_status 201
	ids+=("$(json .stream.id)")
	# The values only a controller may see (the Cloudflare input id is
	# also in the public playback URL, the RTMPS URL is the provider's
	# generic ingest address: neither is one).
	jq -r '.stream | .publishToken, .streamKey, .whipUrl,
	    .muxLiveStreamId | select(. != null)' "$BODY" >>"$secrets"
done
[ "$(grep -c . "$secrets")" -ge 4 ] || fail "collected too few secrets: $(cat "$secrets")"
cat "$secrets" >>"$IT_TMP/secrets"
sid=${ids[0]}

# A session cookie, the way a browser gets one.
no_auth
link=$(vigil login-link --sub "$owner") || fail "vigil login-link failed"
api POST /api/session "{\"token\":\"${link#*#t=}\"}"
expect_status 200
cookie=$(header Set-Cookie)
cookie=${cookie%%;*}
case $cookie in session=?*) ;; *) fail "no session cookie: '$cookie'" ;; esac

# served: the streams program's answers so far (one log line each).
served() {
	grep -c ' streams: \(GET\|HEAD\) /api/streams' "$RUNDIR/log/streams.log" || true
}
cache_status() {
	header X-Cache-Status
}
expect_cache() {
	local got
	got=$(cache_status)
	printf '%s\n' "$got" | grep -Eqx -- "$1" ||
	    fail "$LAST_REQUEST: X-Cache-Status '$got', expected $1"
}
# The public view: no credential field, no secret value; exactly one
# Cache-Control, the program's no-store.
expect_public() {
	expect_status 200
	jq -e '[.. | objects | keys[]] | any(. == "whipUrl" or
	    . == "publishToken" or . == "streamKey" or . == "rtmpsUrl" or
	    . == "muxLiveStreamId" or . == "cloudflareInputId" or
	    . == "providerId") | not' "$BODY" >/dev/null ||
	    fail "$1: a full view was served: $(jq -c '[.. | objects | keys[]] | unique' "$BODY")"
	local s
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		! grep -qF -- "$s" "$BODY" || fail "$1: the answer holds a secret value"
	done <"$secrets"
	expect_no_store
}
expect_full() {
	expect_status 200
	grep -q '"whipUrl"' "$BODY" || fail "$1: not the full view"
	expect_no_store
}
expect_no_store() {
	local n
	n=$(tr -d '\r' <"$HEADERS" | grep -ic '^cache-control:' || true)
	[ "$n" = 1 ] || fail "$LAST_REQUEST: $n Cache-Control headers"
	expect_header Cache-Control '^no-store$'
}
# no_secret_cached: nothing under nginx's cache directory holds a secret.
no_secret_cached() {
	local s dir=$RUNDIR/tmp/cache
	[ -d "$dir" ] || fail "no cache directory $dir"
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		! grep -rqF -- "$s" "$dir" || fail "a secret is in nginx's cache ($1)"
	done <"$secrets"
}

# A copy is used only in the second it was made (the key holds the
# second): start each sequence that expects a HIT just after a second
# begins, so it runs within one.
second_start() {
	local ms
	for _ in $(seq 200); do
		ms=$(date +%3N)
		ms=$((10#$ms))
		[ "$ms" -ge 30 ] && [ "$ms" -le 120 ] && return 0
		sleep 0.01
	done
	fail "could not start at the beginning of a second"
}

# for PATH: the listing, then one stream.
for path in "/api/streams?memorialId=$mid" "/api/streams/$sid"; do
	second_start
	# Signed in first, on a URL nobody asked for yet: not cached ...
	AUTH=$OWNER_TOKEN
	api GET "$path"
	expect_full "owner"
	expect_cache BYPASS
	# ... and not stored: the anonymous request right after is a MISS
	# that the program answers with the public view.
	no_auth
	n0=$(served)
	api GET "$path"
	expect_public "anonymous after the owner"
	expect_cache MISS
	[ "$(served)" = $((n0 + 1)) ] || fail "$path: the program did not answer the MISS"
	cp "$BODY" "$CASE_TMP/first"
	# Within the second: from the cache, same bytes, the program idle.
	api GET "$path"
	expect_public "anonymous, cached"
	expect_cache HIT
	cmp -s "$BODY" "$CASE_TMP/first" || fail "$path: the HIT differs from the MISS"
	api GET "$path" "" -H 'Cookie: theme=dark'		# not a session cookie
	expect_public "anonymous with another cookie"
	expect_cache HIT
	[ "$(served)" = $((n0 + 1)) ] || fail "$path: a HIT reached the program"

	# While a public copy is cached, signed-in requests still bypass it
	# and get their full view: bearer, the cookie, the cookie after
	# another one, the cookie in a second Cookie header.
	second_start
	n0=$(served)
	api GET "$path"
	expect_public "anonymous, a new second"
	expect_cache MISS
	AUTH=$OWNER_TOKEN
	api GET "$path"
	expect_full "owner (bearer) with a cached copy"
	expect_cache BYPASS
	no_auth
	api GET "$path" "" -H "Cookie: $cookie"
	expect_full "owner (cookie)"
	expect_cache BYPASS
	api GET "$path" "" -H "Cookie: theme=dark; $cookie"
	expect_full "owner (cookie after another)"
	expect_cache BYPASS
	api GET "$path" "" -H 'Cookie: theme=dark' -H "Cookie: $cookie"
	expect_status 200
	expect_cache BYPASS
	# Whatever its value, the session cookie's name means signed in;
	# so does any cookie that looks like a JWT (a guard against a
	# SESSION_COOKIE that differs between the programs and nginx).
	api GET "$path" "" -H 'Cookie: session=not-a-token'
	expect_cache BYPASS
	api GET "$path" "" -H "Cookie: sid=${OWNER_TOKEN}"
	expect_status 200
	expect_cache BYPASS
	# The cached copy is still the public one.
	api GET "$path"
	expect_public "anonymous after signed-in requests"
	expect_cache HIT
	n1=$(served)
	[ "$n1" = $((n0 + 7)) ] || fail "$path: the program answered $((n1 - n0)) requests, not 7 (a MISS and 6 signed in)"
	no_secret_cached "$path"
done

# A fresh URL asked with the cookie first: not stored either.
path="/api/streams?memorialId=$mid&limit=7"
api GET "$path" "" -H "Cookie: theme=dark; $cookie"
expect_full "owner (cookie), fresh URL"
expect_cache BYPASS
api GET "$path"
expect_public "anonymous after a cookie request"
expect_cache MISS
no_secret_cached "cookie"

# HEAD is passed through, and a GET after it gets the whole body (nginx
# would otherwise store the program's body-less HEAD answer for GETs).
path="/api/streams?memorialId=$mid&limit=9"
api HEAD "$path"
expect_status 200
expect_cache BYPASS
api GET "$path"
expect_public "GET after HEAD"
expect_cache MISS
expect_json '.streams | length' 2

# Errors are not cached.
for p in "/api/streams/no-such-stream-0411" "/api/streams?memorialId=no-such-0411"; do
	for _ in 1 2; do
		api GET "$p"
		expect_problem 404 not_found
		expect_cache MISS
	done
done

# Private: anonymous callers may get the cached listing for up to 1 s,
# then 401 -- also under concurrent load, where a refresh answered 401 is
# not stored and nginx must not keep serving the old 200 meanwhile.
path="/api/streams?memorialId=$mid&status=ready"
no_auth
api GET "$path"
expect_public "anonymous before private"
expect_cache MISS
# Eight anonymous pollers, back to back, for 3 s from here; each line
# "START_MS STATUS".
polls=$CASE_TMP/polls
: >"$polls"
poll_end=$(($(date +%s%N) / 1000000 + 3000))
poller_pids=()
for i in 1 2 3 4 5 6 7 8; do
	(
		while [ $(($(date +%s%N) / 1000000)) -lt "$poll_end" ]; do
			t=$(($(date +%s%N) / 1000000))
			c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
			    "$BASE$path") || c=000
			echo "$t $c"
		done >"$polls.$i"
	) &
	poller_pids+=("$!")
done
sleep 0.5
AUTH=$OWNER_TOKEN
api PATCH "/api/memorials/$mid" '{"visibility":"private"}'
expect_status 200
t_private=$(($(date +%s%N) / 1000000))
no_auth
for p in "${poller_pids[@]}"; do
	wait "$p"
done
cat "$polls".* >"$polls"
# Every answer is 200 (before, or the copy of the last second) or 401;
# none asked 1.5 s after the change may be a 200.
awk '$2 != 200 && $2 != 401' "$polls" | head -3 | grep . &&
    fail "pollers got other answers"
late=$(awk -v t="$t_private" '$1 > t + 1500 { n++ } END { print n + 0 }' "$polls")
late200=$(awk -v t="$t_private" '$1 > t + 1500 && $2 == 200 { n++ } END { print n + 0 }' "$polls")
last200=$(awk -v t="$t_private" '$2 == 200 { d = $1 - t
    if (!n++ || d > m) m = d } END { print n ? m : "none" }' "$polls")
echo "private: $(wc -l <"$polls") anonymous polls; the last 200 was asked at $last200 ms from the change; $late200 of $late asked after 1.5 s were 200"
[ "$late" -gt 0 ] || fail "no poll after 1.5 s"
[ "$late200" = 0 ] || fail "$late200 anonymous polls still got the private listing 1.5 s after the change"
api GET "$path"
expect_problem 401 unauthenticated
api GET "/api/streams/$sid"
expect_problem 404 not_found
AUTH=$OWNER_TOKEN
api GET "$path"
expect_full "owner of a private memorial"
expect_cache BYPASS
no_secret_cached "end"
