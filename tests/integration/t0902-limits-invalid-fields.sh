# t0902-limits-invalid-fields: create-whip validates every field before
# anything happens (SPEC §5, §10): bad JSON, a non-object, a missing or
# non-string title, a title over 200 bytes, an empty or blank title, a
# title with a control character (raw, escaped, \u0000, or a broken \u
# escape that cJSON would decode as U+0000), a memorialId with a bad
# charset or over 64 bytes, an unknown streamingMethod, muxBackup not
# a boolean, a bad scheduledAt: each is 400
# invalid_request, no error body echoes the input (a marker sent in
# the bad field is never in the answer), nothing is stored and no
# provider is called.  The edges that are valid (200-byte titles, also
# in multi-byte UTF-8, a scheduledAt with an offset) are accepted.

mid=m0902-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0902\",\"ownerUid\":\"u0902-owner\"}"
expect_status 201
auth_as u0902-owner
count() { db "select count(*) from streams where memorial_id = '$mid'"; }
M=ZqxMark0902
m="\"memorialId\":\"$mid\""
t200=$(printf 'a%.0s' $(seq 200))
e200=$(printf 'é%.0s' $(seq 100))		# 200 bytes, 100 characters

fake_reset
bad() {
	# bad BODY: 400 invalid_request without the marker.
	api POST /api/streams/create-whip "$1"
	expect_problem 400 invalid_request
	! grep -qi -- "$M" "$BODY" || fail "the error echoes the input: $1"
	! grep -q -- "$mid" "$BODY" || fail "the error echoes the memorial id: $1"
}

bad "{$m,\"title\":\"$M"
bad "{$m,\"title\":\"$M\"} trailing"
bad "{$m,\"title\":\"$M\",}"
bad "[{$m,\"title\":\"$M\"}]"
bad "\"$M\""
bad "42"
bad "null"
bad "{$m,\"name\":\"$M\"}"
bad "{$m,\"title\":[\"$M\"]}"
bad "{$m,\"title\":5}"
bad "{$m,\"title\":\"\"}"
bad "{$m,\"title\":\"   \"}"
bad "{$m,\"title\":\"${t200}b$M\"}"
bad "{$m,\"title\":\"${e200}x\"}"
bad "{$m,\"title\":\"$M\\u0001\"}"
bad "{$m,\"title\":\"$M\\n\"}"
bad "{$m,\"title\":\"$M	tab\"}"
bad "{$m,\"title\":\"$M\\u007f\"}"
bad "{$m,\"title\":\"$M\\u0085\"}"
bad "{$m,\"title\":\"$M\\u2028\"}"
bad "{$m,\"title\":\"ab\\u0000$M\"}"
# cJSON reads a \u without four hex digits as U+0000: not JSON, and a
# NUL that would cut the string short past every check.
bad "{$m,\"title\":\"ab\\uzzzz$M\"}"
bad "{$m,\"title\":\"ab\\u00zz$M\"}"
bad "{$m,\"title\":\"ab\\u000g$M\"}"
bad "{\"memorialId\":\"$mid\\uzzzz/../$M\",\"title\":\"t\"}"
bad "{\"title\":\"$M\"}"
bad "{\"memorialId\":\"$M x\",\"title\":\"t\"}"
bad "{\"memorialId\":\"../$M\",\"title\":\"t\"}"
bad "{\"memorialId\":\"$M$(printf 'x%.0s' $(seq 60))\",\"title\":\"t\"}"
bad "{\"memorialId\":\"\",\"title\":\"t\"}"
bad "{\"memorialId\":5,\"title\":\"t\"}"
bad "{$m,\"title\":\"t\",\"streamingMethod\":\"$M\"}"
bad "{$m,\"title\":\"t\",\"streamingMethod\":\"OBS\"}"
bad "{$m,\"title\":\"t\",\"streamingMethod\":7}"
bad "{$m,\"title\":\"t\",\"muxBackup\":\"$M\"}"
bad "{$m,\"title\":\"t\",\"muxBackup\":\"true\"}"
bad "{$m,\"title\":\"t\",\"muxBackup\":1}"
bad "{$m,\"title\":\"t\",\"scheduledAt\":\"$M\"}"
bad "{$m,\"title\":\"t\",\"scheduledAt\":\"2030-13-01T10:00:00Z\"}"
bad "{$m,\"title\":\"t\",\"scheduledAt\":\"2030-01-01\"}"
bad "{$m,\"title\":\"t\",\"scheduledAt\":\"2030-01-01T25:00:00Z\"}"
bad "{$m,\"title\":\"t\",\"scheduledAt\":\"2030-01-01T10:00:00\"}"
bad "{$m,\"title\":\"t\",\"scheduledAt\":1893492000}"
[ "$(count)" = 0 ] || fail "an invalid request stored a stream"
[ "$(fake_requests | jq length)" = 0 ] || fail "an invalid request called a provider"

# The valid edges.
for b in "{$m,\"title\":\"$t200\"}" "{$m,\"title\":\"$e200\"}" \
    "{$m,\"title\":\"t\",\"scheduledAt\":\"2030-01-01T10:00:00.250+02:00\"}" \
    "{$m,\"title\":\"Ünïcödé ✓ 🕯\",\"muxBackup\":false}"; do
	api POST /api/streams/create-whip "$b"
	expect_status 201
done
expect_json .stream.title "Ünïcödé ✓ 🕯"
expect_json '.stream.recordingSources | has("mux")' false
[ "$(count)" = 4 ] || fail "want the 4 valid streams"
