# t10-session-limit: over VIGIL_RELAY_MAX_SESSIONS (here 1) a publish is
# refused with a clear error (503 problem+json with Retry-After), and the
# session already live is untouched (SPEC §7 limits): its recording and
# pushes are complete.  Then, with the first one ended, the other stream
# is taken.

restart_stack_with VIGIL_RELAY_MAX_SESSIONS=1
sdp=$IT_ROOT/tests/data/sdp/chromium-156-av.sdp

new_stream "Limit: second"
second_sid=$SID
second_token=$PTOKEN
second_whip=$WHIP_URL
new_stream "Limit: first"

publish_bg --seconds 8
wait_event connected 40 || { publish_wait; fail "the publisher never connected"; }
AUTH=$second_token
api POST "/whip/$second_sid" "@$sdp" -H 'Content-Type: application/sdp'
expect_problem 503 unavailable
expect_header Retry-After '^[0-9]+$'
publish_wait
expect_published
ledger_local_ready 1 20
expect_av "$(local_parts | tail -n 1)" 6 11
expect_av "$(rtmp_files live "$CF_KEY" | tail -n 1)" 6 11

# The slot is free again.
SID=$second_sid PTOKEN=$second_token WHIP_URL=$second_whip
publish --seconds 2
expect_published
