# t06-reconnect: a publisher drops (Chromium killed, no DELETE) and comes
# back at once with a new WHIP session for the same stream, well within
# the media timeout (SPEC §5: "the newer one may replace it after the old
# one's media has stopped"; §7: the stream continues, nothing recorded is
# lost).  The new publisher retries 409s as www/ would.  Then: the ledger
# has two local recordings, both ready and playable, the Cloudflare push
# carried the second session too.  A third session removes the first
# two's live HLS segments once they are stale.

restart_stack_with VIGIL_RELAY_MEDIA_TIMEOUT=5

new_stream "Reconnect"
publish --seconds 5 --no-delete
[ "$PUB_RC" = 0 ] && [ "$(pub .status)" = 201 ] ||
    fail "first publish failed (rc $PUB_RC, status $(pub .status))"
first_loc=$(pub .location)
t_drop=$(now_ms)

publish --seconds 8 --retry-409 25
expect_published
[ "$(pub .location)" != "$first_loc" ] || fail "the same session Location twice"
measure reconnect-409-retries "$(pub .retries409)" "(0.5 s apart, timeout 5 s)"
measure reconnect-drop-to-201 "$(awk -v e="$(pub .postEpochMs)" -v p="$(pub .post201Ms)" -v d="$t_drop" 'BEGIN { printf "%d", e + p - d }')" "ms (incl. Chromium start)"

ledger_local_ready 2 25
stream_get
n=$(json '.stream.recordingSources.local.recordings | length')
[ "$n" = 2 ] || fail "expected 2 local recordings, the ledger has $n: $(jq -c .stream.recordingSources.local "$BODY")"
for u in $(json '.stream.recordingSources.local.recordings[].playbackUrl'); do
	[ "$u" != null ] || fail "a ready recording without playbackUrl"
	case $u in http*) full=$u ;; *) full=$BASE$u ;; esac
	code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$full")
	[ "$code" = 200 ] || fail "GET $full answered $code"
	expect_av "$full" 3 11
done
[ "$(local_parts | grep -c .)" = 2 ] ||
    fail "expected 2 parts on disk: $(local_parts | tr '\n' ' ')"
p1=$(local_parts | head -n 1)
p2=$(local_parts | tail -n 1)
expect_av "$p1" 3 8
expect_av "$p2" 6 11

# Cloudflare's input got the second session's media too (its push may
# have had to wait for the first one's RTMP publish to end).
cf=$(rtmp_files live "$CF_KEY")
echo "Cloudflare pushes: $(printf '%s\n' "$cf" | tr '\n' ' ')"
last=$(printf '%s\n' "$cf" | tail -n 1)
[ -n "$last" ] || fail "no Cloudflare push at all"
expect_av "$last" 4 11

# Live HLS segments of earlier outputs: those two sessions' segments,
# made to look a few minutes old, are removed when the next HLS output of
# the stream starts (its playlist no longer names them); its own stay.
old_segs=$(cd "$VIGIL_MEDIA_DIR/$SID" && ls live-*.ts 2>/dev/null)
[ -n "$old_segs" ] || fail "the sessions wrote no HLS segment"
# shellcheck disable=SC2086
(cd "$VIGIL_MEDIA_DIR/$SID" && touch -d '-3 min' $old_segs)
publish --seconds 3 --retry-409 25
expect_published
for f in $old_segs; do
	[ ! -e "$VIGIL_MEDIA_DIR/$SID/$f" ] ||
	    fail "a stale segment of an earlier HLS output was left: $f"
done
for f in $(grep -v '^#' "$VIGIL_MEDIA_DIR/$SID/live.m3u8" | grep .); do
	[ -s "$VIGIL_MEDIA_DIR/$SID/$f" ] ||
	    fail "the playlist names $f, which is not there"
done
echo "HLS after a third session: $(cd "$VIGIL_MEDIA_DIR/$SID" && ls live-*.ts | wc -l) segments, none of the first two sessions'"
