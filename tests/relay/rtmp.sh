#!/usr/bin/env bash
# rtmp.sh: a loopback RTMP server (nginx + Debian's libnginx-mod-rtmp)
# for the relay tests; see rtmp.conf.in for what it accepts and records.
#
#   tests/relay/rtmp.sh start DIR [PORT]   start in DIR (created); prints
#                                          the port (a free one if none)
#   tests/relay/rtmp.sh stop DIR           TERM, bounded wait, then KILL
#   tests/relay/rtmp.sh files DIR APP      the FLV files APP received,
#                                          oldest first
#
# DIR holds rtmp.conf, nginx.pid, error.log, nginx.out and rec/{live,app}/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
	printf 'rtmp: %s\n' "$*" >&2
	exit 1
}

# The module's .so: from the package's file list, else the usual place.
module_path() {
	local m
	m=$(dpkg -L libnginx-mod-rtmp 2>/dev/null |
	    grep -m1 '/ngx_rtmp_module\.so$' || true)
	[ -n "$m" ] || m=/usr/lib/nginx/modules/ngx_rtmp_module.so
	[ -r "$m" ] ||
	    die "ngx_rtmp_module.so not found: apt-get install libnginx-mod-rtmp"
	printf '%s\n' "$m"
}

port_free() {
	[ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]
}

cmd_start() {
	local dir=$1 port=${2:-} module pid conf user
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	command -v nginx >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v nginx >/dev/null 2>&1 || die "nginx not found"
	module=$(module_path)
	mkdir -p "$dir/rec/live" "$dir/rec/app"
	conf=$dir/rtmp.conf
	if [ "$(id -u)" = 0 ]; then
		user="user root root;"
	else
		user="# not root: the worker runs as $(id -un)"
	fi
	for _ in $(seq 20); do
		if [ -z "${2:-}" ]; then
			port=$((20000 + RANDOM % 40000))
			port_free "$port" || continue
		fi
		sed -e "s|@MODULE@|$module|g" -e "s|@DIR@|$dir|g" \
		    -e "s|@PORT@|$port|g" -e "s|@USER@|$user|g" "$here/rtmp.conf.in" >"$conf"
		rm -f "$dir/nginx.pid"
		# CWD = DIR: record_path would be relative to it (pitfall 6).
		(cd "$dir" && exec setsid nginx -p "$dir" -c "$conf" \
		    -e "$dir/error.log" </dev/null >>"$dir/nginx.out" 2>&1) &
		pid=$!
		for _ in $(seq 100); do
			[ "$(cat "$dir/nginx.pid" 2>/dev/null)" = "$pid" ] &&
			    ! port_free "$port" && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		if kill -0 "$pid" 2>/dev/null &&
		    [ "$(cat "$dir/nginx.pid" 2>/dev/null)" = "$pid" ]; then
			echo "$pid" >"$dir/master.pid"
			printf '%s\n' "$port"
			return 0
		fi
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# A fixed port that failed will not get better.
		[ -z "${2:-}" ] || break
		grep -q 'Address already in use' "$dir/error.log" \
		    "$dir/nginx.out" 2>/dev/null || break
	done
	die "nginx (rtmp) did not start: $(tail -n 5 "$dir/error.log" \
	    "$dir/nginx.out" 2>/dev/null)"
}

cmd_stop() {
	local dir=$1 pid
	[ -f "$dir/master.pid" ] || return 0
	pid=$(cat "$dir/master.pid")
	case $pid in ''|*[!0-9]*) rm -f "$dir/master.pid"; return 0 ;; esac
	# setsid made the master a group leader: the group is ours alone.
	kill -TERM -- "-$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		[ -n "$(ps -e -o pgid=,stat= | awk -v g="$pid" \
		    '$1 == g && $2 !~ /^Z/')" ] || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	rm -f "$dir/master.pid"
}

cmd_files() {
	local d=$1/rec/$2
	[ -d "$d" ] || return 0
	find "$d" -maxdepth 1 -name '*.flv' -printf '%T@ %p\n' | sort -n |
	    cut -d' ' -f2-
}

case ${1:-} in
start) [ $# -ge 2 ] || die "usage: rtmp.sh start DIR [PORT]"; cmd_start "$2" "${3:-}" ;;
stop) [ $# = 2 ] || die "usage: rtmp.sh stop DIR"; cmd_stop "$2" ;;
files) [ $# = 3 ] || die "usage: rtmp.sh files DIR APP"; cmd_files "$2" "$3" ;;
*) die "usage: rtmp.sh start|stop|files DIR ..." ;;
esac
