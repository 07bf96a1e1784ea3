# t0604-whip-chromium: a real Chromium (headless, fake camera and
# microphone) publishes to the relay for 5 s through nginx (SPEC §7):
# 201 and "connected"; the stream turns live when media arrives; the
# local recording VIGIL_MEDIA_DIR/{id}/part-1.mp4 holds H.264 + AAC of
# about 5 s beginning with a key frame, and is in the ledger as a ready
# local recording with its duration; the local HLS playlist ends with
# ENDLIST.  Midway the camera drops to 320x240 and comes back, as a
# phone's encoder does when it adapts: the one part holds every size
# and decodes without error (mp4mux 1.22 would otherwise rewrite its
# moov over the first fragment).  The stack's pushes point at RTMP
# servers that do not exist here: they fail and retry without
# disturbing the recording.  Skipped when Chromium, playwright-core or
# ffprobe is missing.

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] || [ ! -d "$IT_ROOT/tests/node_modules/playwright-core" ] ||
    ! command -v ffprobe >/dev/null 2>&1; then
	echo "skipped: chromium, playwright-core or ffprobe missing (tools/deps.sh test)"
	exit 0
fi

mid=m0604-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0604\",\"ownerUid\":\"u0604-owner\"}"
expect_status 201
auth_as u0604-owner
owner=$AUTH
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"Chromium\"}"
expect_status 201
id=$(json .stream.id)
tok=$(json .stream.publishToken)
printf '%s\n' "$tok" >>"$IT_TMP/secrets"

secs=6
node "$IT_ROOT/tests/integration/whip-smoke.mjs" "$BASE" "$id" "$tok" "$secs" av resize \
    >"$CASE_TMP/pub.json" 2>"$CASE_TMP/pub.err" &
pub=$!
live() {
	api GET "/api/streams/$id"
	[ "$(json .stream.status)" = live ]
}
wait_for 30 live || fail "the stream never turned live: $(cat "$CASE_TMP/pub.err")"
api GET "/whip/$id/stats"
expect_status 200
expect_json .live true
wait "$pub" || fail "publish failed: $(cat "$CASE_TMP/pub.json" "$CASE_TMP/pub.err")"
cat "$CASE_TMP/pub.json"
jq -e '.ok and .status == 201 and .deleteStatus == 200' "$CASE_TMP/pub.json" \
    >/dev/null || fail "publish: $(cat "$CASE_TMP/pub.json")"

part=$VIGIL_MEDIA_DIR/$id/part-1.mp4
[ -s "$part" ] || fail "no $part"
codecs=$(ffprobe -v error -show_entries stream=codec_name -of csv=p=0 "$part" |
    sort | tr '\n' ' ')
[ "$codecs" = "aac h264 " ] || fail "part-1.mp4 holds '$codecs'"
dur=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$part")
awk -v d="$dur" -v s="$secs" 'BEGIN { exit !(d > s - 1.5 && d < s + 1.5) }' ||
    fail "part-1.mp4 lasts $dur s, not about $secs"
first=$(ffprobe -v error -select_streams v -show_packets \
    -show_entries packet=flags -of csv=p=0 "$part" | sed -n 1p)
case $first in K*) ;; *) fail "the first video packet is not a key frame" ;; esac
ffmpeg -v error -i "$part" -fps_mode passthrough -enc_time_base:v -1 -f null - \
    >"$CASE_TMP/decode" 2>&1 || fail "part-1.mp4 does not decode"
[ ! -s "$CASE_TMP/decode" ] || fail "decoding errors: $(head -3 "$CASE_TMP/decode")"
sizes=$(ffprobe -v error -select_streams v -show_frames \
    -show_entries frame=width,height -of csv=p=0 "$part" | sort -u | tr '\n' ' ')
# Chromium also adapts by itself (CPU): the sizes seen vary by machine.
echo "decoded frame sizes: $sizes"
[ ! -e "$VIGIL_MEDIA_DIR/$id/part-2.mp4" ] || fail "a resize made a second part"
[ "$(sed -n '$p' "$VIGIL_MEDIA_DIR/$id/live.m3u8")" = '#EXT-X-ENDLIST' ] ||
    fail "live.m3u8 does not end"

api GET "/api/streams/$id"
expect_json .stream.status live
expect_json '.stream.recordingSources.local.available' true
expect_json '.stream.recordingSources.local.playbackUrl' "/media/$id/part-1.mp4"
expect_json '.stream.recordingSources.local.recordings[0].state' ready
expect_json '.stream.recordingSources.local.recordings[0].providerId' \
    "$id/part-1.mp4"
api GET "/media/$id/part-1.mp4" "" -o /dev/null
expect_status 200

api GET "/whip/$id/stats"
expect_status 200
expect_json '.sessions[0].state' ended
expect_json '.sessions[0].endReason' deleted
expect_json '.sessions[0].outputs.recording.state' done
expect_json '.sessions[0].outputs.recording.starts' 1
[ "$(json '.sessions[0].video.keyFrames')" -ge 2 ] || fail "too few key frames"
expect_logs_lack "$tok"
