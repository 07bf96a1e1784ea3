# t0704-provider-lost-answers: create-whip's calls answered with a
# truncated body or an oversized one (2 MiB, over LIM_PROVIDER_RESP)
# (issue 6; t0116 covers a truncated live input answer and checks the
# Mux side only).  What the fake made is read back from GET /_fake/state.
#
# Cloudflare's live input (required): 502 provider_unavailable, no
# stream row, the Mux live stream made alongside DELETEd.  When the
# provider did not make the live input (the fault with "apply": false:
# an error page cut short), nothing at all is left at either provider.
# When it did make it and only its answer was lost, the live input
# stays at Cloudflare: we never learnt its uid, and finding it again
# needs the providers' list calls, which are not in shared/specs --
# a KNOWN GAP, asserted exactly (one live input, carrying the refused
# stream's id in meta.vigilStreamId and no row of ours) so that a fix
# shows up here.
#
# Mux's live stream (the optional backup): 201 without Mux, with a
# warning, no Mux id stored; nothing left at Mux when Mux made nothing;
# the same KNOWN GAP (one Mux live stream, passthrough = the new
# stream's id) when only the answer was lost.
#
# The obs Output: when Cloudflare did not make it, 201 with a warning,
# the Mux stream made for it DELETEd, the live input kept.  When it made
# it and only the answer was lost, create-whip finds it again in the
# live input's Outputs (GET .../outputs, by the Mux stream key) and keeps
# it: 201 without a warning, the Mux backup alive, the Output's uid
# stored.  When that list fails as well, the first outcome, and the
# Output stays (KNOWN GAP, asserted).

mid=m0704-$RANDOM$RANDOM
auth_as it-admin --role admin
api POST /api/memorials "{\"id\":\"$mid\",\"title\":\"Case 0704\",\"ownerUid\":\"u0704-owner\"}"
expect_status 201
auth_as u0704-owner

known_gap() {
	# known_gap WHAT GOT WANT
	[ "$2" = "$3" ] ||
	    fail "$1: expected the known gap ($3), found $2 -- if it was fixed, update t0704"
	echo "KNOWN GAP: $1"
}

n=0
for garble in '"truncate": true' '"oversize": 2097152'; do
	for apply in false true; do
		n=$((n + 1))
		what="live input, $garble, apply $apply"
		fake_reset
		fake_fault cf.live_input.create "{$garble, \"apply\": $apply}"
		api POST /api/streams/create-whip \
		    "{\"memorialId\":\"$mid\",\"title\":\"Lost $n\"}"
		expect_problem 502 provider_unavailable
		[ "$(db "SELECT count(*) FROM streams WHERE memorial_id = '$mid' AND title = 'Lost $n'")" = 0 ] ||
		    fail "$what: a stream row was stored"
		fake_requests >"$CASE_TMP/reqs"
		[ "$(jq '[.[] | select(.op == "cf.live_input.create")] | length' "$CASE_TMP/reqs")" = 1 ] ||
		    fail "$what: a POST that reached Cloudflare was sent again"
		[ "$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' "$CASE_TMP/reqs")" = 1 ] ||
		    fail "$what: the Mux stream made alongside was not DELETEd"
		state=$(fake GET /state)
		[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
		    fail "$what: a Mux live stream was left behind"
		inputs=$(jq '.cf.liveInputs | length' <<<"$state")
		if [ "$apply" = false ]; then
			[ "$inputs" = 0 ] || fail "$what: a live input exists"
		else
			sid=$(jq -r '.cf.liveInputs[0].meta.vigilStreamId // empty' <<<"$state")
			[ -z "$sid" ] ||
			    [ "$(db "SELECT count(*) FROM streams WHERE id = '$sid'")" = 0 ] ||
			    fail "$what: the live input belongs to a stored stream"
			known_gap "$what: the live input Cloudflare made stays (uid never learnt)" \
			    "$inputs" 1
		fi
	done
done

# Mux backup: the answer lost.
for garble in '"truncate": true' '"oversize": 2097152'; do
	for apply in false true; do
		what="Mux live stream, $garble, apply $apply"
		fake_reset
		fake_fault mux.live_stream.create "{$garble, \"apply\": $apply}"
		api POST /api/streams/create-whip \
		    "{\"memorialId\":\"$mid\",\"title\":\"Backup lost\"}"
		expect_status 201
		id=$(json .stream.id)
		expect_json '.warnings | length' 1
		json '.warnings[0]' | grep -qi mux || fail "$what: the warning does not name Mux"
		expect_json '.stream.muxLiveStreamId // "none"' none
		[ "$(db "SELECT coalesce(mux_stream_id, '') FROM streams WHERE id = '$id'")" = "" ] ||
		    fail "$what: a Mux id was stored"
		fake_requests >"$CASE_TMP/reqs"
		[ "$(jq '[.[] | select(.op == "mux.live_stream.create")] | length' "$CASE_TMP/reqs")" = 1 ] ||
		    fail "$what: a POST that reached Mux was sent again"
		state=$(fake GET /state)
		[ "$(jq '.cf.liveInputs | length' <<<"$state")" = 1 ] ||
		    fail "$what: want the stream's live input only"
		streams=$(jq '.mux.liveStreams | length' <<<"$state")
		if [ "$apply" = false ]; then
			[ "$streams" = 0 ] || fail "$what: a Mux live stream exists"
		else
			[ "$(jq -r '[.mux.liveStreams[]] | .[0].passthrough // ""' <<<"$state")" = "$id" ] ||
			    fail "$what: the Mux stream left is not the new stream's: $(jq -c .mux <<<"$state")"
			known_gap "$what: the Mux live stream Mux made stays (id never learnt)" \
			    "$streams" 1
		fi
	done
done

# obs: the Output's answer lost.
output_case() {
	# output_case APPLY LIST-FAULT
	local what="Output, truncated, apply $1${2:+, list $2}" id cf_uid outputs state
	fake_reset
	fake_fault cf.output.create "{\"truncate\": true, \"apply\": $1}"
	[ -z "$2" ] || fake_fault cf.output.list "$2"
	api POST /api/streams/create-whip \
	    "{\"memorialId\":\"$mid\",\"title\":\"Output lost\",\"streamingMethod\":\"obs\"}"
	expect_status 201
	id=$(json .stream.id)
	cf_uid=$(json .stream.cloudflareInputId)
	fake_requests >"$CASE_TMP/reqs"
	[ "$(jq '[.[] | select(.op == "cf.output.create")] | length' "$CASE_TMP/reqs")" = 1 ] ||
	    fail "$what: a POST that reached Cloudflare was sent again"
	[ "$(jq '[.[] | select(.op == "cf.output.list")] | length' "$CASE_TMP/reqs")" -ge 1 ] ||
	    fail "$what: the live input's Outputs were not asked for"
	state=$(fake GET /state)
	[ "$(jq -r '[.cf.liveInputs[].uid] | join(",")' <<<"$state")" = "$cf_uid" ] ||
	    fail "$what: the live input should stay, alone"
	outputs=$(jq '.cf.outputs | length' <<<"$state")
	if [ "$1" = true ] && [ -z "$2" ]; then
		# Found again: the backup lives.
		expect_json '.warnings | length' 0
		mux_id=$(json .stream.muxLiveStreamId)
		[ -n "$mux_id" ] && [ "$mux_id" != null ] ||
		    fail "$what: the Mux backup was dropped"
		[ "$(jq -r '[.mux.liveStreams[].id] | join(",")' <<<"$state")" = "$mux_id" ] ||
		    fail "$what: the Mux live stream is not the stream's: $(jq -c .mux <<<"$state")"
		[ "$(jq '[.[] | select(.op == "mux.live_stream.delete")] | length' "$CASE_TMP/reqs")" = 0 ] ||
		    fail "$what: the Mux stream was DELETEd"
		[ "$outputs" = 1 ] || fail "$what: $outputs Outputs"
		[ "$(db "SELECT coalesce(cf_output_id, '') FROM streams WHERE id = '$id'")" = \
		    "$(jq -r '[.cf.outputs[]][0].uid' <<<"$state")" ] ||
		    fail "$what: the stored Output id is not the one Cloudflare made"
		[ "$(jq -r '[.cf.outputs[]][0].streamKey' <<<"$state")" = \
		    "$(jq -r '[.mux.liveStreams[]][0].stream_key' <<<"$state")" ] ||
		    fail "$what: the Output does not forward to the stream's Mux key"
		return
	fi
	expect_json '.warnings | length' 1
	expect_json '.stream.muxLiveStreamId // "none"' none
	[ "$(jq '[.[] | select(.op == "mux.live_stream.delete" and .status == 204)] | length' "$CASE_TMP/reqs")" = 1 ] ||
	    fail "$what: the Mux stream made for the Output was not DELETEd"
	[ "$(jq '.mux.liveStreams | length' <<<"$state")" = 0 ] ||
	    fail "$what: the Mux live stream was left behind"
	[ "$(db "SELECT coalesce(cf_output_id, '') FROM streams WHERE id = '$id'")" = "" ] ||
	    fail "$what: an Output id was stored"
	if [ "$1" = false ]; then
		[ "$outputs" = 0 ] || fail "$what: an Output exists"
	else
		known_gap "$what: the Output Cloudflare made stays on the live input" \
		    "$outputs" 1
	fi
}
output_case false ""
output_case true ""
output_case true '{"status": 403}'

# The program is fine afterwards.
fake_reset
api POST /api/streams/create-whip "{\"memorialId\":\"$mid\",\"title\":\"After\"}"
expect_status 201
expect_json '.warnings | length' 0
