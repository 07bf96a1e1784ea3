# t08-resolution-change: the publisher's resolution changes mid-stream,
# as a phone's browser does when its bandwidth or CPU drops (here: the
# camera track to 160x120 after 3 s, below anything Chromium picks by
# itself; new SPS/PPS on a key frame).  The local recording keeps all
# ~8 s and stays playable, and so do both pushes and the HLS (SPEC §7:
# nothing already recorded is lost).

new_stream "Resolution change"
publish --seconds 8 --resize-at 3 --resize 160x120
expect_published
echo "browser: $(jq -c .resized "$PUB_OUT") after 3 s; sent $(pub .stats.video.width)x$(pub .stats.video.height) at the end"
ledger_local_ready 1 20
part=$(local_parts | tail -n 1)
[ -n "$part" ] || fail "no local part"
expect_av "$part" 6 11
expect_decodes "$part"
# Both sizes are in the recording, decodable.
sizes=$(timeout 60 ffprobe -v error -select_streams v -show_entries \
    frame=width,height -of csv=p=0 "$part" | sort | uniq -c |
    awk '{ printf "%s:%s ", $2, $1 }')
echo "recording's decoded frame sizes (WxH:frames): $sizes"
case $sizes in *160,120:*) ;; *) fail "no 160x120 frames in the recording: $sizes" ;; esac
[ "$(wc -w <<<"$sizes")" -ge 2 ] || fail "one frame size only: $sizes"
cf=$(rtmp_files live "$CF_KEY" | tail -n 1)
expect_av "$cf" 6 11
expect_decodes "$cf"
expect_av "$(rtmp_files app "$MUX_KEY" | tail -n 1)" 6 11
expect_av "$BASE/media/$SID/live.m3u8" 5 11
