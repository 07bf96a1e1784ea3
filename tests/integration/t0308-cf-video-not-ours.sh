# t0308-cf-video-not-ours: the video webhook fires for every video of
# the account (PROVIDERS §1.6 A: one subscription per account).  A
# properly signed video without liveInput (an upload), and one recorded
# from a live input that is not one of ours, are acknowledged with 200
# and change nothing; the latter is logged as not ours.

. "$IT_ROOT/tests/integration/t0200-webhooks.inc"

wh_new_stream obs
snap=$CASE_TMP/snap
wh_snapshot "$snap"

f=$(wh_cf_video_ready "$CF_INPUT" "$(openssl rand -hex 16)")
jq -c 'del(.liveInput)' "$f" >"$f.upload"
wh_cf_post "$f.upload"
expect_status 200
expect_json .received true
wh_same_db "$snap" "an upload"

f=$(wh_cf_video_ready "$(openssl rand -hex 16)" "$(openssl rand -hex 16)")
wh_cf_post "$f"
expect_status 200
wh_same_db "$snap" "another input's recording"
grep -q "not one of our live inputs" "$RUNDIR/log/webhook-stream-status.log" ||
    fail "the stranger's video was not logged"
