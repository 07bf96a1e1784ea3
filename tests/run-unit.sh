#!/bin/sh
# run-unit.sh BIN...: run each unit test program, sum their
# "N passed, N failed" lines, print the total and fail if any failed.
tp=0; tf=0; status=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	line=$(printf '%s\n' "$out" | tail -n 1)
	p=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s' "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then p=0; f=1; fi
	if [ $rc -ne 0 ] || [ "$f" -ne 0 ]; then
		status=1
		printf '%s\n' "$out" | sed "s,^,$(basename "$t"): ,"
		[ "$f" -eq 0 ] && f=1
	fi
	echo "unit $(basename "$t"): $p passed, $f failed"
	tp=$((tp + p)); tf=$((tf + f))
done
echo "unit: $tp passed, $tf failed"
exit $status
