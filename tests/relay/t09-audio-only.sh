# t09-audio-only: a microphone-only publish (the www/ fallback when there
# is no camera; RELAY-NOTES "must handle" 7: muxers must not wait for a
# video track that never comes).  The local recording, both pushes and
# the local HLS (people can listen live) hold AAC of about the published
# length.

new_stream "Audio only"
publish --seconds 6 --audio-only
expect_published
[ "$(pub '.stats.video // "none"')" = none ] || fail "the browser sent video"
ledger_local_ready 1 20
stream_get
dur=$(json '.stream.recordingSources.local.duration // empty')
echo "ledger duration: $dur"

part=$(local_parts | tail -n 1)
[ -n "$part" ] || fail "no local part"
expect_aac "$part" 4 9
expect_decodes "$part"
cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
[ -n "$cf" ] || fail "no Cloudflare push"
expect_aac "$cf" 4 9
mux=$(rtmp_files app "$MUX_KEY" | tail -n 1)
[ -n "$mux" ] || fail "no Mux push"
expect_aac "$mux" 4 9
# The local HLS, for people listening live on this server.
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$BASE/media/$SID/live.m3u8")
[ "$code" = 200 ] || fail "no local HLS for an audio-only publish ($code)"
expect_aac "$BASE/media/$SID/live.m3u8" 3 9
