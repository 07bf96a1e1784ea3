# t13-video-gap: the camera stops while the microphone goes on (another
# app takes the camera; a phone pauses it), and a publish whose camera
# starts late.  The offer has video, so the recording's muxer would wait
# for it and hold the audio back: the relay rebuilds the recording and
# the local HLS for audio alone after 3 s without video, and with video
# again when it is back.  Nothing said is lost: the parts together hold
# about all the audio published.
# timeout: 240

# part_seconds FILE: its duration (ffprobe).
part_seconds() {
	probe "$1" >/dev/null 2>&1 && duration
}

# ---- 1. video stops for 8 s mid-broadcast
new_stream "Camera taken mid-service"
log_from=$(($(wc -l <"$RUNDIR/log/whip.log") + 1))
publish --seconds 20 --video-off 5:13
expect_published
ledger_local_ready 3 25
mapfile -t parts < <(local_parts)
echo "parts: ${parts[*]}"
[ "${#parts[@]}" -ge 3 ] || fail "expected 3 parts (video, audio alone, video), got ${#parts[@]}"
# The first: video until it stopped, and the audio after it until the
# switch (the muxer held it back and wrote it when drained): so not in
# sync at its end, by design.
probe "${parts[0]}" || fail "ffprobe cannot read ${parts[0]}"
[ "$(codecs)" = "aac h264" ] ||
    fail "${parts[0]}: codecs $(codecs)"
awk -v d="$(duration)" 'BEGIN { exit !(d >= 6 && d <= 10) }' ||
    fail "${parts[0]}: $(duration) s, expected the 5 s of video and the 3 s wait"
expect_decodes "${parts[0]}"
# The middle: audio alone, from the switch (3 s into the 8 s without
# video) until the video is back: about 5 s.
expect_aac "${parts[1]}" 3.5 12
expect_av "${parts[${#parts[@]} - 1]}" 3 10
total=0
for p in "${parts[@]}"; do
	total=$(awk -v a="$total" -v b="$(part_seconds "$p")" 'BEGIN { print a + b }')
done
measure gap-parts-total "$total" "s of 20 s published, over ${#parts[@]} parts"
awk -v t="$total" 'BEGIN { exit !(t >= 17 && t <= 23) }' ||
    fail "the parts hold $total s of the 20 s published"
tail -n +"$log_from" "$RUNDIR/log/whip.log" >"$CASE_TMP/whip.log"
grep -q 'video stopped, audio goes on' "$CASE_TMP/whip.log" ||
    fail "the relay did not log the switch to audio alone"
grep -q 'video is back' "$CASE_TMP/whip.log" ||
    fail "the relay did not log the video coming back"
# The pushes went on by themselves (flvmux takes audio alone).
cf=$(rtmp_files live "$CF_KEY")
echo "Cloudflare pushes: $(printf '%s\n' "$cf" | tr '\n' ' ')"
[ "$(printf '%s\n' "$cf" | grep -c .)" = 1 ] ||
    fail "the Cloudflare push was restarted: $(printf '%s\n' "$cf" | tr '\n' ' ')"
probe "$cf" || fail "ffprobe cannot read the Cloudflare push"
awk -v d="$(duration)" 'BEGIN { exit !(d >= 16 && d <= 24) }' ||
    fail "the Cloudflare push holds $(duration) s of 20"

# ---- 2. no video for the first 8 s
new_stream "Camera starts late"
publish --seconds 16 --video-off 0:8
expect_published
ledger_local_ready 2 25
mapfile -t parts < <(local_parts)
echo "parts: ${parts[*]}"
[ "${#parts[@]}" -ge 2 ] || fail "expected 2 parts (audio alone, video), got ${#parts[@]}"
# The first: audio from the start (the 3 s wait taken from the ring).
expect_aac "${parts[0]}" 6 10
expect_av "${parts[${#parts[@]} - 1]}" 4 9
