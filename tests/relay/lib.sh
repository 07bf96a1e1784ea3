# shellcheck shell=bash
# lib.sh: helpers for the relay cases, sourced by tests/relay/run.sh into
# each case's shell after tests/integration/lib.sh (api, json, expect_*,
# fail, fake, db, wait_for, restart_stack_with all work as there).
#
# Streams:
#   relay_memorial          an owner and a memorial for this case: OWNER,
#                           MID (AUTH is left as the owner's)
#   new_stream [TITLE]      a whip_browser stream of MID: SID, WHIP_URL,
#                           PTOKEN (publish token), CF_KEY and MUX_KEY (the
#                           RTMP keys the relay pushes to, from the DB)
#   stream_get [SID]        GET /api/streams/SID as the owner into $BODY
#   stream_status_is S      GET the stream (as AUTH); its status is S
#   whip_stats [SID]        GET /whip/SID/stats as the owner into $BODY
#   ledger_local_ready N [SECS]   wait until N local recordings are ready
# Publishing (Chromium through publish.mjs):
#   publish ARGS...         publish to WHIP_URL with PTOKEN; the result
#                           JSON in $PUB_OUT, progress in $PUB_ERR, exit
#                           status in $PUB_RC (never fails by itself)
#   publish_bg ARGS...      the same in the background: $PUB_PID
#   publish_wait            wait for the background publisher: $PUB_RC
#   wait_event NAME SECS    until the publisher's stderr has that event
#   pub EXPR                jq -r EXPR on $PUB_OUT
#   expect_published        PUB_RC 0, 201, connected, DELETE 2xx (or a
#                           vanish when --no-delete was given)
# Media:
#   probe FILE|URL          ffprobe into $PROBE (JSON); 1 if unreadable
#   expect_av FILE|URL [MIN MAX]   H.264 + AAC, in sync, starting on a key
#                           frame (av_sync), and a duration within
#                           [MIN, MAX] s when given
#   expect_decodes FILE|URL every packet decodes without an error
#   av_sync FILE|URL        the sync and key-frame part of expect_av
#   codecs                  "aac h264" for the last probe
#   duration                the last probe's duration (s)
#   local_parts [SID]       the stream's local MP4 parts, in order
#   rtmp_files APP KEY      FLVs the RTMP server recorded for KEY, in order
# The relay process:
#   whip_master             the supervisor's pid; whip_workers its children
#   session_worker [SID]    the worker holding SID's media files open
#   proc_rss PID            VmRSS in kB; proc_ticks PID: utime + stime
#   cpu_percent T0 T1 MS    ticks over MS milliseconds as % of one CPU
# Measurements (informational, printed at the end of the run):
#   measure NAME VALUE [UNIT]
#   now_ms                  Unix time in ms
#   watch_first_bytes OUT GLOB...   in the background, when a file
#                           matching each GLOB first holds > 13 bytes

RELAY_DIR=$IT_ROOT/tests/relay
PUBLISH=$RELAY_DIR/publish.mjs
MEASURE_FILE=$IT_TMP/measure.txt
CASE_NAME=${0##*/}
PUB_N=0
PUB_OUT=""
PUB_ERR=""
PUB_PID=""
PUB_RC=""
PROBE=$CASE_TMP/probe.json
CLK_TCK=$(getconf CLK_TCK)
OWNER=""
MID=""

# Publishers still running when the case ends (failed or not) are
# stopped: publish.mjs kills its Chromium on TERM.
_relay_case_exit() {
	local p
	for p in $(jobs -p); do
		kill -TERM "$p" 2>/dev/null || true
	done
	for _ in $(seq 50); do
		[ -n "$(jobs -pr)" ] || break
		sleep 0.1
	done
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null || true
	done
}
trap _relay_case_exit EXIT

measure() {
	printf '%-28s %-26s %s %s\n' "$CASE_NAME" "$1" "$2" "${3:-}" \
	    >>"$MEASURE_FILE"
}

now_ms() {
	date +%s%3N
}

relay_memorial() {
	OWNER=relay-owner-$RANDOM
	MID=relay-$RANDOM$RANDOM
	auth_as relay-admin --role admin
	api POST /api/memorials "{\"id\":\"$MID\",\"title\":\"Relay test\",\"ownerUid\":\"$OWNER\"}"
	expect_status 201
	auth_as "$OWNER"
}

new_stream() {
	[ -n "$MID" ] || relay_memorial
	auth_as "$OWNER"
	api POST /api/streams/create-whip \
	    "{\"memorialId\":\"$MID\",\"title\":\"${1:-Relay test}\",\"streamingMethod\":\"whip_browser\"}"
	expect_status 201
	SID=$(json .stream.id)
	WHIP_URL=$(json .stream.whipUrl)
	PTOKEN=$(json .stream.publishToken)
	[ -n "$SID" ] && [ -n "$WHIP_URL" ] && [ -n "$PTOKEN" ] ||
	    fail "create-whip answered without id, whipUrl or publishToken"
	CF_KEY=$(db "select coalesce(stream_key, '') from streams where id = '$SID'")
	MUX_KEY=$(db "select coalesce(mux_stream_key, '') from streams where id = '$SID'")
}

stream_get() {
	auth_as "$OWNER"
	api GET "/api/streams/${1:-$SID}"
	expect_status 200
}

whip_stats() {
	auth_as "$OWNER"
	api GET "/whip/${1:-$SID}/stats"
	expect_status 200
}

stream_status_is() {
	api GET "/api/streams/$SID"
	[ "$STATUS" = 200 ] && [ "$(jq -r .stream.status "$BODY")" = "$1" ]
}

# The number of local recordings in state ready, from the API.
_local_ready_count() {
	api GET "/api/streams/$1" >/dev/null
	[ "$STATUS" = 200 ] || return 1
	jq -r '[.stream.recordingSources.local.recordings[]? | select(.state == "ready")] | length' \
	    "$BODY" 2>/dev/null
}

ledger_local_ready() {
	local want=$1 secs=${2:-20} n=0
	auth_as "$OWNER"
	for _ in $(seq "$((secs * 5))"); do
		n=$(_local_ready_count "$SID" || echo 0)
		[ "${n:-0}" -ge "$want" ] && return 0
		sleep 0.2
	done
	fail "expected $want ready local recording(s) of $SID within ${secs}s, have ${n:-0}: $(jq -c '.stream.recordingSources.local // .' "$BODY" 2>/dev/null | head -c 1500)"
}

_publish_files() {
	PUB_N=$((PUB_N + 1))
	PUB_OUT=$CASE_TMP/publish.$PUB_N.json
	PUB_ERR=$CASE_TMP/publish.$PUB_N.err
	: >"$PUB_OUT"
	: >"$PUB_ERR"
}

publish() {
	_publish_files
	PUB_RC=0
	node "$PUBLISH" --whip "$WHIP_URL" --token "$PTOKEN" \
	    --log "$CASE_TMP/chromium.$PUB_N.log" "$@" \
	    >"$PUB_OUT" 2>"$PUB_ERR" </dev/null || PUB_RC=$?
	echo "publish #$PUB_N ($*): rc=$PUB_RC $(head -c 1500 "$PUB_OUT")"
}

publish_bg() {
	_publish_files
	PUB_RC=""
	node "$PUBLISH" --whip "$WHIP_URL" --token "$PTOKEN" \
	    --log "$CASE_TMP/chromium.$PUB_N.log" "$@" \
	    >"$PUB_OUT" 2>"$PUB_ERR" </dev/null &
	PUB_PID=$!
}

publish_wait() {
	PUB_RC=0
	wait "$PUB_PID" || PUB_RC=$?
	echo "publish #$PUB_N (background): rc=$PUB_RC $(head -c 1500 "$PUB_OUT")"
}

# wait_event NAME SECS: 0 when the current publisher reported NAME; 1
# when it ended first or the time ran out.
wait_event() {
	local name=$1 secs=$2
	for _ in $(seq "$((secs * 10))"); do
		grep -q "\"event\":\"$name\"" "$PUB_ERR" 2>/dev/null && return 0
		grep -q '"event":"done"' "$PUB_ERR" 2>/dev/null && return 1
		sleep 0.1
	done
	return 1
}

pub() {
	jq -r "$1" "$PUB_OUT" 2>/dev/null || fail "publisher output is not JSON: $(head -c 500 "$PUB_OUT") $(tail -n 5 "$PUB_ERR")"
}

expect_published() {
	[ "$PUB_RC" = 0 ] ||
	    fail "publish failed (rc $PUB_RC): $(head -c 1500 "$PUB_OUT") $(tail -n 5 "$PUB_ERR")"
	[ "$(pub .status)" = 201 ] || fail "WHIP POST answered $(pub .status)"
	[ "$(pub .connectedMs)" != null ] || fail "never connected"
	case $(pub .location) in
	"$WHIP_URL"/?*) ;;
	*) fail "Location $(pub .location) is not under $WHIP_URL/" ;;
	esac
	# The browser really sent H.264 (the codec preference took).
	case $(pub '.stats.video.codec // "none"') in
	none|video/H264*) ;;
	*) fail "the browser sent $(pub .stats.video.codec), not H.264" ;;
	esac
}

probe() {
	: >"$PROBE"
	timeout 30 ffprobe -v error -show_format -show_streams -of json \
	    "$1" >"$PROBE" 2>"$CASE_TMP/ffprobe.err" || return 1
	[ -s "$PROBE" ]
}

codecs() {
	jq -r '[.streams[].codec_name] | sort | join(" ")' "$PROBE"
}

duration() {
	jq -r '.format.duration // "0"' "$PROBE"
}

# expect_av FILE|URL [MIN MAX]: readable, H.264 video and AAC audio, and
# the duration (s) within [MIN, MAX] when given.
expect_av() {
	local what=$1 c d
	probe "$what" ||
	    fail "ffprobe cannot read $what: $(head -c 500 "$CASE_TMP/ffprobe.err")"
	c=$(codecs)
	case " $c " in *" h264 "*) ;; *) fail "$what: no H.264 (codecs: $c)" ;; esac
	case " $c " in *" aac "*) ;; *) fail "$what: no AAC (codecs: $c)" ;; esac
	d=$(duration)
	av_sync "$what"
	if [ $# -ge 3 ]; then
		awk -v d="$d" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }' ||
		    fail "$what: duration $d s not within [$2, $3]"
	fi
	echo "ok: $what: $c, ${d} s ($(tr '\n' ';' <<<"$AV_SYNC"))"
}

# expect_aac FILE|URL MIN MAX: AAC only, duration in range.
expect_aac() {
	probe "$1" || fail "ffprobe cannot read $1: $(head -c 300 "$CASE_TMP/ffprobe.err")"
	[ "$(codecs)" = aac ] || fail "$1: codecs '$(codecs)', expected AAC only"
	awk -v d="$(duration)" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }' ||
	    fail "$1: duration $(duration) s not within [$2, $3]"
	echo "ok: $1: aac, $(duration) s"
}

# av_sync FILE|URL: the first and last timestamps of the H.264 and the
# AAC stream (from the packets) agree: starts within AV_START_SLACK
# (0.5 s), ends within AV_END_SLACK (1.0 s); the first video packet is a
# key frame.  Sets AV_SYNC to a summary.
av_sync() {
	local what=$1 lines
	lines=$(timeout 60 ffprobe -v error -show_entries \
	    packet=stream_index,pts_time,duration_time,flags -of csv=p=0 "$what" \
	    2>"$CASE_TMP/ffprobe.err") ||
	    fail "ffprobe cannot read the packets of $what: $(head -c 300 "$CASE_TMP/ffprobe.err")"
	AV_SYNC=$(jq -r '.streams[] | "\(.index) \(.codec_name)"' "$PROBE" |
	    awk -F'[ ,]' -v pk="$lines" '
	    { codec[$1] = $2 }
	    END {
		n = split(pk, l, "\n")
		for (i = 1; i <= n; i++) {
			split(l[i], f, ",")
			if (f[2] == "" || f[2] == "N/A") continue
			s = f[1]; p = f[2] + 0; d = (f[3] == "N/A" || f[3] == "") ? 0 : f[3] + 0
			if (!(s in lo) || p < lo[s]) lo[s] = p
			if (!(s in hi) || p + d > hi[s]) hi[s] = p + d
		}
		for (s in lo) printf "%s %.3f %.3f\n", codec[s], lo[s], hi[s]
		# The first video packet in the file: a key frame?
		for (i = 1; i <= n; i++) {
			split(l[i], f, ",")
			if (codec[f[1]] != "h264") continue
			printf "first-video-packet %s\n", (index(f[4], "K") ? "key" : "not-key")
			break
		}
	    }')
	! grep -q '^first-video-packet not-key' <<<"$AV_SYNC" ||
	    fail "$what: the first video packet is not a key frame"
	AV_SYNC=$(grep -v '^first-video-packet' <<<"$AV_SYNC")
	awk -v sl="${AV_START_SLACK:-0.5}" -v el="${AV_END_SLACK:-1.0}" '
	    $1 == "h264" { vs = $2; ve = $3; v = 1 }
	    $1 == "aac" { as = $2; ae = $3; a = 1 }
	    END {
		if (!v || !a) exit 0
		ds = as - vs; if (ds < 0) ds = -ds
		de = ae - ve; if (de < 0) de = -de
		exit !(ds <= sl && de <= el)
	    }' <<<"$AV_SYNC" ||
	    fail "$what: audio and video out of sync (codec first last): $(tr '\n' ';' <<<"$AV_SYNC")"
}

# expect_decodes FILE|URL: every packet decodes without an error (as
# RELAY-NOTES checked: video timestamps passed through as they are).
expect_decodes() {
	timeout 60 ffmpeg -nostdin -v error -i "$1" -fps_mode passthrough \
	    -enc_time_base:v -1 -f null - >"$CASE_TMP/decode.err" 2>&1 ||
	    fail "$1: ffmpeg could not decode it: $(head -c 500 "$CASE_TMP/decode.err")"
	[ ! -s "$CASE_TMP/decode.err" ] ||
	    fail "$1: decoding errors: $(head -c 500 "$CASE_TMP/decode.err")"
}

local_parts() {
	local d=$VIGIL_MEDIA_DIR/${1:-$SID}
	[ -d "$d" ] || return 0
	find "$d" -maxdepth 1 -name 'part-*.mp4' -printf '%f\n' |
	    sort -t- -k2 -n | sed "s|^|$d/|"
}

rtmp_files() {
	local d=$RTMP_DIR/rec/$1
	[ -n "$2" ] || return 0
	find "$d" -maxdepth 1 -name "$2-*.flv" -printf '%T@ %p\n' 2>/dev/null |
	    sort -n | cut -d' ' -f2-
}

whip_master() {
	awk '$1 == "whip" { print $2 }' "$RUNDIR/pids"
}

whip_workers() {
	local m
	m=$(whip_master)
	[ -n "$m" ] || return 0
	ps -o pid= --ppid "$m" | tr -d ' '
}

# The worker holding this stream's media files open (a session's worker).
session_worker() {
	local sid=${1:-$SID} p f
	for p in $(whip_workers) $(whip_master); do
		for f in /proc/"$p"/fd/*; do
			case $(readlink "$f" 2>/dev/null) in
			"$VIGIL_MEDIA_DIR/$sid/"*) echo "$p"; return 0 ;;
			esac
		done
	done
	return 1
}

proc_rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

proc_ticks() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	# After the command: field 3 is state; utime and stime are 14, 15.
	awk '{ print $12 + $13 }' <<<"$s"
}

# cpu_percent TICKS0 TICKS1 MS: % of one CPU over MS milliseconds.
cpu_percent() {
	awk -v a="$1" -v b="$2" -v ms="$3" -v hz="$CLK_TCK" \
	    'BEGIN { if (ms <= 0) print "n/a"; else printf "%.1f", (b - a) * 100000 / hz / ms }'
}

# watch_first_bytes OUT FILE-GLOB...: in the background, the Unix ms at
# which a file matching each glob first held more than 13 bytes (an FLV
# header alone is 13), "glob ms" lines into OUT; gives up after 30 s.
watch_first_bytes() {
	local out=$1
	shift
	(
		local g f left=("$@") next sz
		for _ in $(seq 1500); do
			next=()
			for g in "${left[@]}"; do
				sz=0
				for f in $g; do
					[ -f "$f" ] || continue
					sz=$(stat -c %s "$f" 2>/dev/null || echo 0)
					break
				done
				if [ "$sz" -gt 13 ]; then
					echo "$g $(now_ms)" >>"$out"
				else
					next+=("$g")
				fi
			done
			[ ${#next[@]} -gt 0 ] || exit 0
			left=("${next[@]}")
			sleep 0.02
		done
	) &
}
