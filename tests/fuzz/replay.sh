#!/bin/sh
# replay.sh BIN...: run each build/fuzz/replay-<name> over its corpus
# tests/fuzz/corpus/<name>/, sum their "N passed, N failed" lines (N =
# corpus files), print the total as "fuzz-replay: N passed, N failed"
# and fail if any input failed or a corpus is missing.
tp=0; tf=0; status=0
for t in "$@"; do
	name=$(basename "$t"); name=${name#replay-}
	out=$("$t" "tests/fuzz/corpus/$name" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then p=0; f=1; fi
	if [ $rc -ne 0 ] || [ "$f" -ne 0 ]; then
		status=1
		printf '%s\n' "$out" | sed "s,^,$name: ,"
		[ "$f" -eq 0 ] && f=1
	fi
	echo "fuzz-replay $name: $p passed, $f failed"
	tp=$((tp + p)); tf=$((tf + f))
done
echo "fuzz-replay: $tp passed, $tf failed"
exit $status
