# t07-memory: several sessions in one relay process, one after another,
# leave nothing behind.
#
# 1. The normal build: three sequential 5 s sessions in the same whip
#    worker; after each has ended, its RSS, threads and open files.
#    Session 3 may not have grown RSS by more than RSS_SLACK_KB (16 MiB:
#    one leaked session is ~15 MB with its pipelines, RELAY-NOTES) over
#    session 1, nor threads or descriptors by more than 4.
# 2. An AddressSanitizer build, the same three sessions, then SIGTERM
#    (valgrind was tried through STACK_WRAP: the relay's warm-up took
#    17 s and the first POST hit the relay's 5 s answer bound, 503, on
#    this 2-core box shared with Chromium): no ASan error at any point,
#    and LeakSanitizer (run at the worker's _exit by lsan-exit.c) finds
#    no direct leak reached from our code (a frame in lib/ or cgi-bin/)
#    that repeats per session (three objects or more from one stack).
#    One-time leaks inside GStreamer/GLib (gst_init, type registration)
#    are counted and shown, not judged.
# timeout: 600

three_sessions() {
	local i w
	for i in 1 2 3; do
		new_stream "Memory $i"
		publish --seconds 5
		expect_published
		ledger_local_ready 1 20
		# What the recording holds is t01's and t08's business.
		probe "$(local_parts | tail -n 1)" ||
		    fail "session $i left no readable recording"
		sleep 1
		w=$(whip_workers | head -n 1)
		[ -n "$w" ] || fail "no whip worker"
		if [ -n "${WORKER:-}" ] && [ "$w" != "$WORKER" ]; then
			fail "the whip worker changed ($WORKER -> $w): it died?"
		fi
		WORKER=$w
		RSS[$i]=$(proc_rss "$w")
		THREADS[$i]=$(awk '/^Threads:/ { print $2 }' "/proc/$w/status")
		FDS[$i]=$(find "/proc/$w/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
		echo "after session $i: worker $w RSS ${RSS[$i]} kB, threads ${THREADS[$i]}, fds ${FDS[$i]}"
	done
}

# ------------------------------------------------------------ 1. RSS
WORKER=""
declare -a RSS THREADS FDS
w0=$(whip_workers | head -n 1)
echo "before: worker $w0 RSS $(proc_rss "$w0") kB, threads $(awk '/^Threads:/ { print $2 }' "/proc/$w0/status")"
three_sessions
measure rss-after-sessions-1-2-3 "${RSS[1]} ${RSS[2]} ${RSS[3]}" kB
measure threads-after-1-2-3 "${THREADS[1]} ${THREADS[2]} ${THREADS[3]}"
measure fds-after-1-2-3 "${FDS[1]} ${FDS[2]} ${FDS[3]}"
[ $((RSS[3] - RSS[1])) -le "${RSS_SLACK_KB:-16384}" ] ||
    fail "RSS grew by $((RSS[3] - RSS[1])) kB from session 1 to session 3"
[ $((THREADS[3] - THREADS[1])) -le 4 ] ||
    fail "threads grew from ${THREADS[1]} to ${THREADS[3]}: pipelines left running?"
[ $((FDS[3] - FDS[1])) -le 4 ] ||
    fail "open descriptors grew from ${FDS[1]} to ${FDS[3]}"

# ------------------------------------------------------------ 2. ASan
asan_build=$IT_TMP/build-asan
echo "building with AddressSanitizer into $asan_build"
t_b=$(now_ms)
make -C "$IT_ROOT" --no-print-directory -j2 BUILD="$asan_build" \
    OPT="-O1 -g -fsanitize=address -fno-omit-frame-pointer" \
    LDFLAGS="-fsanitize=address -Wl,--no-as-needed -lstdc++ -Wl,--as-needed -Wl,--wrap=_exit $RELAY_DIR/lsan-exit.c" \
    all >"$CASE_TMP/asan-build.log" 2>&1 ||
    fail "the ASan build failed: $(tail -n 20 "$CASE_TMP/asan-build.log")"
measure asan-build "$(( ($(now_ms) - t_b) / 1000 ))" s
# libstdc++ linked in: GIO's proxy resolver (rtmp2sink connecting) loads
# libproxy, C++, whose first throw otherwise trips ASan's __cxa_throw
# interceptor ("CHECK failed: real___cxa_throw != 0").  lsan-exit.c runs
# the leak check in workers, which end with _exit().
asan_dir=$CASE_TMP/asan
mkdir -p "$asan_dir"
# GLib's slice allocator hides frees from LeakSanitizer; always-malloc.
restart_stack_with BUILD="$asan_build" G_SLICE=always-malloc \
    ASAN_OPTIONS="log_path=$asan_dir/asan:detect_leaks=1:malloc_context_size=30:fast_unwind_on_malloc=0:detect_odr_violation=0" \
    LSAN_OPTIONS="report_objects=0:use_unaligned=1"
case $(readlink "/proc/$(whip_workers | head -n 1)/exe") in
"$asan_build"/*) ;;
*) fail "the restarted whip is not the ASan build" ;;
esac
WORKER=""
three_sessions
measure asan-rss-after-1-2-3 "${RSS[1]} ${RSS[2]} ${RSS[3]}" "kB (ASan: quarantine, not judged)"

# SIGTERM: the relay finalizes and the process exits; LeakSanitizer
# reports then.
"$IT_ROOT/tools/stack.sh" stop "$RUNDIR"
ls -la "$asan_dir" | sed 's/^/    /'
if grep -l 'ERROR: AddressSanitizer' "$asan_dir"/asan.* >/dev/null 2>&1; then
	fail "AddressSanitizer: $(grep -h -A 12 'ERROR: AddressSanitizer' "$asan_dir"/asan.* | head -n 40)"
fi

# Leak reports: one block per allocation stack.  "Ours" when a frame is
# in our sources (lib/, cgi-bin/); repeating per session when one stack
# leaked three objects or more (one per session).  A leaked GStreamer
# object that we created shows our frame below GStreamer's.
ours_total=0
lib_total=0
ind_total=0
bad=""
for f in "$asan_dir"/asan.*; do
	[ -f "$f" ] || continue
	out=$(awk '
	    function flush() {
		if (kind == "") return
		print kind, (ours ? "OURS" : "LIB"), objs, bytes, where
		kind = ""
	    }
	    /^(Direct|Indirect) leak of/ {
		flush()
		kind = substr($1, 1, 1); bytes = $4; objs = $7
		ours = 0; where = "-"
		next
	    }
	    kind != "" && /^ *#[0-9]+ / {
		if (!ours && match($0, /(^|[ \/])(lib|cgi-bin)\/[A-Za-z0-9_-]+\.c:[0-9]+/)) {
			ours = 1
			where = $4 "@" substr($0, RSTART, RLENGTH)
			gsub(/ /, "", where)
		}
		next
	    }
	    kind != "" && /^$/ { flush() }
	    END { flush() }' "$f")
	while read -r kind who objs bytes where; do
		[ -n "$kind" ] || continue
		if [ "$kind" = I ]; then
			ind_total=$((ind_total + bytes))
			continue
		fi
		if [ "$who" = OURS ]; then
			ours_total=$((ours_total + bytes))
			echo "direct leak reached from our code ($(basename "$f")): $objs object(s), $bytes B, first frame of ours: $where"
			[ "$objs" -lt 3 ] || bad="$bad $where ($objs objects, $bytes B);"
		else
			lib_total=$((lib_total + bytes))
		fi
	done <<<"$out"
done
measure lsan-direct-via-our-code "$ours_total" "B (one-time ones are not judged)"
measure lsan-direct-libs-only "$lib_total" "B (GStreamer/GLib, not judged)"
measure lsan-indirect "$ind_total" B
[ -z "$bad" ] || fail "leaks that repeat per session:$bad"
