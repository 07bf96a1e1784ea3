# t0211-mux-concurrent-duplicates: the same event delivered several times
# at once (Mux retries overlapping a slow answer) is applied once.  Four
# senders in parallel each POST the same 40 signed events; every answer
# is 200, exactly one of the four answers per event is a first delivery
# ("duplicate" absent) and the other three say duplicate, and the
# database holds one webhook_events row and one recording per event.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream whip_browser
N=40 SENDERS=4
dir=$CASE_TMP/dup
mkdir -p "$dir"
: >"$dir/list"
for n in $(seq "$N"); do
	f=$(wh_mux_asset video.asset.live_stream_completed \
	    "D$n$(openssl rand -hex 8)" ready false "$n" "P$n")
	printf '%s %s\n' "$f" "$(sign_mux "$f")" >>"$dir/list"
done

send_all() {
	local f sig out
	while read -r f sig; do
		out=$(curl -sS -w ' %{http_code}' --max-time 30 \
		    -H 'Content-Type: application/json' \
		    -H "Mux-Signature: $sig" --data-binary "@$f" \
		    "$BASE/api/webhooks/mux") || out="curl-failed 000"
		printf '%s %s\n' "$(jq -r .id "$f")" "$out"
	done <"$dir/list"
}
pids=()
for s in $(seq "$SENDERS"); do
	send_all >"$dir/out.$s" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p"
done

all=$(cat "$dir"/out.*)
[ "$(printf '%s\n' "$all" | grep -c ' 200$')" = $((N * SENDERS)) ] ||
    fail "not every answer was 200: $(printf '%s\n' "$all" | grep -v ' 200$' | head -5)"
firsts=$(printf '%s\n' "$all" | grep -v '"duplicate":true' | awk '{print $1}' | sort)
[ "$(printf '%s\n' "$firsts" | wc -l)" = "$N" ] ||
    fail "expected $N first deliveries, got $(printf '%s\n' "$firsts" | wc -l)"
[ -z "$(printf '%s\n' "$firsts" | uniq -d)" ] ||
    fail "an event was applied as new twice: $(printf '%s\n' "$firsts" | uniq -d | head -3)"
[ "$(db "SELECT count(*) FROM recordings WHERE stream_id = '$SID'
    AND state = 'ready'")" = "$N" ] || fail "expected $N ready recordings"
ids=$(awk '{print $1}' "$dir/out.1" | sed "s/.*/'&'/" | paste -sd,)
[ "$(db "SELECT count(*) FROM webhook_events WHERE event_id IN ($ids)")" = \
    "$N" ] || fail "expected $N webhook_events rows"
