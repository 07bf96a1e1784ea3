# t0304-cf-video-error: a video webhook with status.state "error" (the
# docs' error fragment, errReasonCode ERR_MALFORMED_VIDEO, over a video
# of our live input) marks that Cloudflare recording failed: listed with
# state failed, not available, no playback URL, nothing preferred.  A
# live-inprogress video is "recording".  Ledger states only move forward
# (pending < recording < failed < ready): a ready recording stays ready
# when an error report for it comes late, and a failed one still becomes
# ready if Cloudflare later says so.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
V1=$(openssl rand -hex 16)
V2=$(openssl rand -hex 16)

# video UID STATE: the docs ready payload for our input, in STATE.
video() {
	local f
	f=$(wh_cf_video_ready "$CF_INPUT" "$1")
	case $2 in
	error)
		jq -c --slurpfile v "$WH_VECTORS" \
		    '. + $v[0].cloudflare.stream_webhook_video_error_fragment.body' \
		    "$f" >"$f.e" && mv "$f.e" "$f"
		;;
	live-inprogress)
		jq -c '.readyToStream = false | .status.state = "live-inprogress"
		    | .duration = -1' "$f" >"$f.e" && mv "$f.e" "$f"
		;;
	esac
	wh_cf_post "$f"
	expect_status 200
}
state_of() {
	db "SELECT state || '|' || coalesce(playback_url, '') FROM recordings
	    WHERE source = 'cloudflare' AND provider_id = '$1'"
}

video "$V1" live-inprogress
[ "$(state_of "$V1")" = "recording|" ] || fail "live-inprogress: $(state_of "$V1")"
video "$V1" error
[ "$(state_of "$V1")" = "failed|" ] || fail "error: $(state_of "$V1")"
wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' false
expect_json '.streams[0].recordingSources.cloudflare.state' failed
expect_json '.streams[0].recordingSources.cloudflare.recordings[0].state' failed
expect_json '.streams[0].recordingSources.cloudflare.recordings[0].playbackUrl' null
expect_json '.streams[0].preferredRecordingSource' null
expect_json '.streams[0].playback.replay' null

# Failed is not final: Cloudflare may still finish it.
video "$V1" ready
[ "$(state_of "$V1" | cut -d'|' -f1)" = ready ] || fail "failed → ready: $(state_of "$V1")"

# Ready is final: a late error report does not undo it.
video "$V2" ready
video "$V2" error
video "$V2" live-inprogress
[ "$(state_of "$V2" | cut -d'|' -f1)" = ready ] || fail "ready moved back: $(state_of "$V2")"
wh_list
expect_json '.streams[0].recordingSources.cloudflare.available' true
expect_json '.streams[0].recordingSources.cloudflare.recordings | length' 2
expect_json '.streams[0].preferredRecordingSource' cloudflare
