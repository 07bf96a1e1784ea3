# t03-vanish-timeout: the publisher disappears without a DELETE (Chromium
# killed with SIGKILL after ~6 s of media).  With
# VIGIL_RELAY_MEDIA_TIMEOUT=3 the relay ends the session by itself
# (RELAY-NOTES pitfall 11: ICE never notices): the local recording is
# finalized (ledger ready, with its duration; the file plays), and the
# stream takes a new publisher without a 409.

restart_stack_with VIGIL_RELAY_MEDIA_TIMEOUT=3

new_stream "Publisher vanishes"
publish --seconds 6 --no-delete
[ "$PUB_RC" = 0 ] || fail "publish failed (rc $PUB_RC)"
[ "$(pub .status)" = 201 ] || fail "WHIP POST answered $(pub .status)"
[ "$(pub .deleteStatus)" = null ] || fail "the publisher sent a DELETE"
t_gone=$(now_ms)

# 3 s of silence, then finalization; allow generous slack.
ledger_local_ready 1 20
t_ready=$(now_ms)
measure vanish-ledger-ready "$((t_ready - t_gone))" "ms (timeout 3 s)"
stream_get
dur=$(json '.stream.recordingSources.local.duration // empty')
[ -n "$dur" ] || fail "the finalized recording has no duration"
awk -v d="$dur" 'BEGIN { exit !(d >= 4 && d <= 10) }' ||
    fail "ledger duration $dur s not within [4, 10] (6 s published)"
url=$(json '.stream.recordingSources.local.playbackUrl // empty')
[ -n "$url" ] || fail "no playbackUrl"
case $url in http*) full=$url ;; *) full=$BASE$url ;; esac
expect_av "$full" 4 10

part=$(local_parts | tail -n 1)
[ -n "$part" ] || fail "no local part on disk"
expect_av "$part" 4 10
# No process still writes it.
if w=$(session_worker); then
	fail "whip process $w still holds $VIGIL_MEDIA_DIR/$SID open after the timeout"
fi

# Both pushes ended with what was sent.
cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
[ -n "$cf" ] || fail "no Cloudflare push"
expect_av "$cf" 4 10

# The session is gone: a new publisher is taken at once.
publish --seconds 2
expect_published
[ "$(pub .retries409)" = 0 ] || fail "409 after the timed-out session"
