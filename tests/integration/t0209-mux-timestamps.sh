# t0209-mux-timestamps: Mux writes times in several shapes (PROVIDERS
# §2.5: the envelope's created_at is a string, data.created_at a number,
# recording_times[].started_at {seconds, nanos}).  Events whose
# created_at is a number, a string of digits, an ISO-8601 string (with
# fractional seconds, and with an offset) or {seconds, nanos} are all
# accepted, and the recording each one starts gets that instant, to the
# millisecond, as startedAt.  data.created_at as a string (the REST
# shape) is accepted too.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs

# shape JSON EXPECTED_MS: a recording event with created_at JSON.
shape() {
	local asset f got
	asset=A$(openssl rand -hex 20)
	f=$(wh_mux_ls video.live_stream.recording recording "$asset" "" "$1")
	wh_mux_post "$f"
	expect_status 200
	got=$(db "SELECT coalesce(started_at, 'NULL') FROM recordings
	    WHERE provider_id = '$asset'")
	[ "$got" = "$2" ] || fail "created_at $1: started_at $got, expected $2"
}

shape 1795000000 1795000000000
shape 1795000001.25 1795000001250
shape '"1795000002"' 1795000002000
shape '"2026-11-18T11:06:43Z"' 1795000003000
shape '"2026-11-18T11:06:44.123456Z"' 1795000004123
shape '"2026-11-18T12:06:45.500+01:00"' 1795000005500
shape '{"seconds":1795000006,"nanos":0}' 1795000006000
shape '{"seconds":1795000007,"nanos":718234000}' 1795000007718

# The REST shape of data.created_at (a string) and an event without
# created_at: accepted; the latter's recording has no startedAt.
asset=A$(openssl rand -hex 20)
f=$(wh_mux_ls video.live_stream.recording recording "$asset")
jq -c '.data.created_at = "1795000000" | del(.created_at)' "$f" >"$f.2"
wh_mux_post "$f.2"
expect_status 200
[ "$(db "SELECT state || ' ' || coalesce(started_at, 'NULL') FROM recordings
    WHERE provider_id = '$asset'")" = "recording NULL" ] ||
    fail "an event without created_at was not applied as expected"

# The listing shows them as ISO-8601 UTC with milliseconds.
wh_list
[ "$(wh_stream '[.recordingSources.mux.recordings[].startedAt] | map(select(. != null)) | sort | .[0]')" = \
    2026-11-18T11:06:40.000Z ] || fail "startedAt in the listing: $(cat "$BODY")"
[ "$(wh_stream '.recordingSources.mux.recordings | length')" = 9 ] ||
    fail "expected nine mux recordings"
