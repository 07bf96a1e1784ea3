#!/usr/bin/env bash
# stack.sh: start and stop the whole of Vigil (every FastCGI program that
# is built, plus nginx) in a run directory, on loopback.  Used by make run
# (tools/run.sh) and by the integration tests.
#
#   tools/stack.sh start RUNDIR     start; prints nothing but errors
#   tools/stack.sh stop RUNDIR      TERM, bounded wait, then KILL
#   tools/stack.sh status RUNDIR    one line per process; 1 if one is gone
#   tools/stack.sh render-nginx local|prod
#                                   print nginx/vigil.conf.in rendered
#
# start reads its configuration from the environment:
#   PORT (8080)             nginx listens on 127.0.0.1:PORT
#   VIGIL_*, JWT_*, CLOUDFLARE_*, MUX_*, SESSION_COOKIE, VIGIL_CONFIG
#                           passed through to the programs (SPEC §9);
#                           nginx's listing cache also reads the session
#                           cookie's name from them (session_cookie)
#   VIGIL_MEDIA_DIR         served at /media/ (default var/media)
#   VIGIL_WORKERS (2)       -w for each program (whip: always 1)
#   BUILD (build)           the build directory, as in the Makefile: the
#                           programs are BUILD/cgi-bin/NAME
#   PROGRAMS                names that must be started (an error when one
#                           is not built); default: every known program
#                           found under BUILD/cgi-bin/
#   STACK_WRAP              a command put before each program, e.g.
#                           "valgrind --log-file=RUNDIR/log/vg.%p"
#   STACK_TIMEOUT (10)      seconds to wait for sockets and nginx
#   NGINX_CREATE_RATE, NGINX_CREATE_BURST, NGINX_WEBHOOK_RATE,
#   NGINX_WEBHOOK_BURST     rate limits (production values by default)
# Relative paths are taken from the repository root, where the programs
# run.
#
# Layout of RUNDIR: sock/NAME.sock, log/NAME.log (and nginx-*.log),
# nginx.conf, tmp/, pids ("NAME PID EXE" per line).  Each process is
# started in its own process group (setsid), so stop reaches the workers
# a program forked even when the program itself no longer answers.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
template=$root/nginx/vigil.conf.in

# Every FastCGI program nginx routes to, in start order.
KNOWN_PROGRAMS="create-whip streams memorials session webhook-mux
    webhook-stream-status whip"

die() {
	printf 'stack: %s\n' "$*" >&2
	exit 1
}

usage() {
	echo "usage: tools/stack.sh start|stop|status RUNDIR" >&2
	echo "       tools/stack.sh render-nginx local|prod" >&2
	exit 2
}

# An absolute path; relative ones are relative to the repository root.
abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$root/$1" ;;
	esac
}

# Fields of /proc/PID/stat after the command name (which may itself hold
# spaces and parentheses) into STAT_STATE and STAT_PGRP; 1 if no such PID.
proc_stat() {
	local s
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }
	read -r STAT_STATE _ STAT_PGRP _ <<<"$s"
}

# Is PID a live (not zombie) process?
alive() {
	proc_stat "$1" || return 1
	case $STAT_STATE in Z|X) return 1 ;; esac
	return 0
}

# Of the process groups given, those that still have a live member.
live_groups() {
	[ $# -gt 0 ] || return 0
	ps -e -o pgid=,stat= | awk -v want=" $* " \
	    '$2 !~ /^Z/ && index(want, " " $1 " ") { print $1 }' | sort -u
}

# The executable of PID, without the " (deleted)" a rebuild leaves.
exe_of() {
	local e
	e=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	printf '%s\n' "${e% (deleted)}"
}

sed_escape() {
	printf '%s' "$1" | sed 's/[\\|&]/\\&/g'
}

# The session cookie's name as the programs will read it (lib/conf.c):
# SESSION_COOKIE from the environment, else the last non-empty one in
# the VIGIL_CONFIG file, else "session".  nginx's listing cache must
# know it: a request with that cookie is signed in and never cached.
session_cookie() {
	local v=${SESSION_COOKIE:-}
	if [ -z "$v" ] && [ -n "${VIGIL_CONFIG:-}" ] && [ -r "$VIGIL_CONFIG" ]; then
		v=$(awk '{ sub(/^[ \t]+/, ""); sub(/^export /, "")
		    i = index($0, "="); if (i == 0) next
		    k = substr($0, 1, i - 1); sub(/[ \t]+$/, "", k)
		    if (k != "SESSION_COOKIE") next
		    x = substr($0, i + 1); sub(/[ \t\r]+$/, "", x)
		    if (x ~ /^".*"$/ || x ~ /^\047.*\047$/) x = substr(x, 2, length(x) - 2)
		    if (x != "") v = x } END { print v }' "$VIGIL_CONFIG")
	fi
	v=${v:-session}
	[[ $v =~ ^[A-Za-z0-9_-]{1,64}$ ]] ||
	    die "SESSION_COOKIE: want [A-Za-z0-9_-]{1,64}"
	printf '%s\n' "$v"
}

# render_nginx MODE: the template for MODE on stdout.  Values come from
# the variables SOCKDIR WWWROOT MEDIADIR SERVER_NAME CACHEDIR
# SESSION_COOKIE and, per mode, PORT RUNDIR NGINX_USER (local) or
# CERTDIR ACMEROOT (prod).
render_nginx() {
	local mode=$1 keep drop out v name args=()
	case $mode in
	local) keep=local; drop=prod ;;
	prod) keep=prod; drop=local ;;
	*) usage ;;
	esac
	[ -r "$template" ] || die "missing $template"
	for name in SOCKDIR WWWROOT MEDIADIR SERVER_NAME CACHEDIR \
	    SESSION_COOKIE PORT RUNDIR NGINX_USER CERTDIR ACMEROOT; do
		v=${!name-}
		[ -n "$v" ] || continue
		case $v in *"
"*) die "$name holds a newline" ;; esac
		args+=(-e "s|@${name}@|$(sed_escape "$v")|g")
	done
	args+=(-e "s|@CREATE_RATE@|$(sed_escape "${NGINX_CREATE_RATE:-5r/s}")|g"
	    -e "s|@CREATE_BURST@|$(sed_escape "${NGINX_CREATE_BURST:-10}")|g"
	    -e "s|@WEBHOOK_RATE@|$(sed_escape "${NGINX_WEBHOOK_RATE:-50r/s}")|g"
	    -e "s|@WEBHOOK_BURST@|$(sed_escape "${NGINX_WEBHOOK_BURST:-200}")|g")
	out=$(sed -e "/^[[:space:]]*#@$drop /d" \
	    -e "s/^\([[:space:]]*\)#@$keep /\1/" "${args[@]}" "$template")
	if v=$(printf '%s\n' "$out" | grep -o '@[A-Z_]*@' | sort -u |
	    tr '\n' ' ') && [ -n "$v" ]; then
		die "render-nginx $mode: no value for $v"
	fi
	printf '%s\n' "$out"
}

# Programs to start: "NAME PATH" lines.
programs() {
	local name bin dir
	dir=$(abspath "${BUILD:-build}")/cgi-bin
	if [ -n "${PROGRAMS:-}" ]; then
		for name in $PROGRAMS; do
			bin=$dir/$name
			[ -x "$bin" ] || die "$name is not built ($bin); run make"
			printf '%s %s\n' "$name" "$bin"
		done
		return
	fi
	for name in $KNOWN_PROGRAMS; do
		bin=$dir/$name
		[ -x "$bin" ] && printf '%s %s\n' "$name" "$bin"
	done
	return 0
}

# Processes started so far by this start, for cleanup if it fails.
started_names=()
started_pids=()

kill_started() {
	local pid
	[ ${#started_pids[@]} -gt 0 ] || return 0
	for pid in "${started_pids[@]}"; do
		# The group, or the process if it has not reached setsid yet.
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null ||
		    true
	done
	for _ in $(seq 50); do
		[ -n "$(live_groups "${started_pids[@]}")" ] || break
		sleep 0.1
	done
	for pid in $(live_groups "${started_pids[@]}"); do
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
	started_pids=()
	started_names=()
}

# fail_start NAME LOG MESSAGE: stop what was started and explain.
fail_start() {
	local log=$2
	kill_started
	{
		printf 'stack: %s: %s\n' "$1" "$3"
		if [ -s "$log" ]; then
			# This start's lines only: the log is appended to.
			printf 'stack: from %s:\n' "$log"
			awk '/^--- .* start / { n = 0 } { l[n++] = $0 }
			    END { for (i = (n > 20 ? n - 20 : 0); i < n; i++)
				print "    " l[i] }' "$log"
		fi
	} >&2
	exit 1
}

cmd_start() {
	local rundir sockdir logdir name bin pid log deadline i pending rc w
	rundir=$(abspath "$1")
	sockdir=$rundir/sock
	logdir=$rundir/log
	if [ -f "$rundir/pids" ]; then
		if cmd_status "$rundir" >/dev/null 2>&1; then
			die "already running in $rundir (tools/stack.sh stop $rundir)"
		fi
		cmd_stop "$rundir"
	fi
	command -v nginx >/dev/null 2>&1 ||
	    PATH=$PATH:/usr/sbin:/sbin
	command -v nginx >/dev/null 2>&1 ||
	    die "nginx not found: run tools/deps.sh build"
	command -v setsid >/dev/null 2>&1 || die "setsid not found (util-linux)"
	mkdir -p "$sockdir" "$logdir" "$rundir/tmp"
	rm -f "$sockdir"/*.sock "$rundir/nginx.pid"

	local media www port timeout workers
	media=$(abspath "${VIGIL_MEDIA_DIR:-var/media}")
	www=$(abspath "${VIGIL_WWW_DIR:-www}")
	port=${PORT:-8080}
	timeout=${STACK_TIMEOUT:-10}
	workers=${VIGIL_WORKERS:-2}
	case $port in ''|*[!0-9]*) die "PORT must be a number" ;; esac
	mkdir -p "$media"
	[ -d "$www" ] || die "no www directory at $www"
	# nginx would retry a busy port for seconds before giving up.
	if command -v ss >/dev/null 2>&1 &&
	    [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; then
		die "port $port is already in use (set PORT=)"
	fi

	trap 'kill_started; exit 130' INT
	trap 'kill_started; exit 143' TERM
	cd "$root"
	local list
	list=$(programs)
	while read -r name bin; do
		[ -n "$name" ] || continue
		log=$logdir/$name.log
		printf -- '--- %s start %s\n' "$(date -u +%FT%TZ)" "$name" >>"$log"
		# $STACK_WRAP is split into words on purpose.
		# shellcheck disable=SC2086
		# whip hosts every relay session in one process (its
		# sessions outlive requests): always one worker.
		w=$workers
		[ "$name" != whip ] || w=1
		setsid ${STACK_WRAP:-} "$bin" -s "$sockdir/$name.sock" \
		    -w "$w" </dev/null >>"$log" 2>&1 &
		started_pids+=("$!")
		started_names+=("$name")
	done <<EOF
$list
EOF

	# Wait, bounded, for every socket; a program that exits meanwhile
	# failed its startup checks (config, schema) and said why in its log.
	deadline=$((SECONDS + timeout))
	while :; do
		pending=0
		for i in "${!started_pids[@]}"; do
			name=${started_names[$i]}
			pid=${started_pids[$i]}
			[ -S "$sockdir/$name.sock" ] && continue
			if ! alive "$pid"; then
				wait "$pid" 2>/dev/null && rc=0 || rc=$?
				fail_start "$name" "$logdir/$name.log" \
				    "exited during startup (status $rc)"
			fi
			pending=1
		done
		[ $pending = 0 ] && break
		if [ $SECONDS -ge $deadline ]; then
			for i in "${!started_pids[@]}"; do
				name=${started_names[$i]}
				[ -S "$sockdir/$name.sock" ] ||
				    fail_start "$name" "$logdir/$name.log" \
				    "no socket after ${timeout}s"
			done
		fi
		sleep 0.05
	done

	# nginx, from the template.  As root, nginx would switch its workers
	# to "nobody", who cannot reach our 0660 sockets: keep them root
	# (loopback only; production runs Debian's nginx as www-data).
	local conf=$rundir/nginx.conf nlog=$logdir/nginx.log user
	if [ "$(id -u)" = 0 ]; then
		user="user root root;"
	else
		user="# not root: workers run as $(id -un)"
	fi
	local cookie
	cookie=$(session_cookie) || fail_start nginx "$nlog" "no session cookie name"
	SOCKDIR=$sockdir WWWROOT=$www MEDIADIR=$media SERVER_NAME=127.0.0.1 \
	    CACHEDIR=$rundir/tmp/cache SESSION_COOKIE=$cookie \
	    PORT=$port RUNDIR=$rundir NGINX_USER=$user \
	    render_nginx local >"$conf.new"
	mv "$conf.new" "$conf"
	printf -- '--- %s start nginx\n' "$(date -u +%FT%TZ)" >>"$nlog"
	if ! nginx -t -q -p "$rundir" -c "$conf" -e "$logdir/nginx-error.log" \
	    >>"$nlog" 2>&1; then
		fail_start nginx "$nlog" "nginx -t failed for $conf"
	fi
	setsid nginx -p "$rundir" -c "$conf" -e "$logdir/nginx-error.log" \
	    </dev/null >>"$nlog" 2>&1 &
	pid=$!
	started_pids+=("$pid")
	started_names+=(nginx)
	# The master writes its pid file once it has bound the port.
	deadline=$((SECONDS + timeout))
	while [ "$(cat "$rundir/nginx.pid" 2>/dev/null)" != "$pid" ]; do
		alive "$pid" || fail_start nginx "$nlog" "exited during startup"
		[ $SECONDS -lt $deadline ] ||
		    fail_start nginx "$nlog" "not up after ${timeout}s"
		sleep 0.05
	done

	# Record who is who; the executable lets stop tell our process from
	# an unrelated one that reused the pid.
	: >"$rundir/pids.new"
	for i in "${!started_pids[@]}"; do
		pid=${started_pids[$i]}
		printf '%s %s %s\n' "${started_names[$i]}" "$pid" \
		    "$(exe_of "$pid" || echo -)" >>"$rundir/pids.new"
	done
	mv "$rundir/pids.new" "$rundir/pids"
	trap - INT TERM
}

# Live members of process group PGID whose executable is EXE.
group_members() {
	local pid
	for pid in $(ps -e -o pid=,pgid=,stat= |
	    awk -v g="$1" '$2 == g && $3 !~ /^Z/ { print $1 }'); do
		[ "$(exe_of "$pid" || true)" = "$2" ] && printf '%s\n' "$pid"
	done
	return 0
}

cmd_stop() {
	local rundir name pid exe m groups=()
	rundir=$(abspath "$1")
	[ -f "$rundir/pids" ] || return 0
	# Each process leads its own group (setsid): signal the group, so the
	# workers a program forked go too, even if the program itself died
	# (then only members running the program's executable are ours).
	while read -r name pid exe; do
		[ -n "$pid" ] || continue
		if alive "$pid" && [ "$STAT_PGRP" = "$pid" ] &&
		    [ "$(exe_of "$pid" || true)" = "$exe" ]; then
			groups+=("$pid")
			kill -TERM -- "-$pid" 2>/dev/null || true
		elif [ -n "$(group_members "$pid" "$exe")" ]; then
			groups+=("$pid")
			for m in $(group_members "$pid" "$exe"); do
				kill -TERM "$m" 2>/dev/null || true
			done
		fi
	done <"$rundir/pids"
	# Bounded wait for every group to empty (above the supervisor's own
	# 10 s for its workers, lib/http.c), then KILL what is left.
	for _ in $(seq "$((${STOP_TIMEOUT:-12} * 10))"); do
		[ -n "$(live_groups "${groups[@]}")" ] || break
		sleep 0.1
	done
	for pid in $(live_groups "${groups[@]}"); do
		name=$(awk -v p="$pid" '$2 == p { print $1 }' "$rundir/pids")
		echo "stack: ${name:-?} ($pid) did not stop on TERM; killing" >&2
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
	rm -f "$rundir/pids" "$rundir/nginx.pid" "$rundir"/sock/*.sock
}

cmd_status() {
	local rundir name pid exe rc=0
	rundir=$(abspath "$1")
	[ -f "$rundir/pids" ] || { echo "not running"; return 1; }
	while read -r name pid exe; do
		[ -n "$pid" ] || continue
		if alive "$pid" && [ "$(exe_of "$pid" || true)" = "$exe" ]; then
			echo "$name $pid running"
		else
			echo "$name $pid gone"
			rc=1
		fi
	done <"$rundir/pids"
	return $rc
}

# Production rendering: DOMAIN is required; the rest defaults to the
# layout of nginx/systemd/README.md.
cmd_render() {
	case ${1:-} in
	local)
		local rundir=${RUNDIR:-$root/var/run}
		SOCKDIR=${SOCKDIR:-$root/var/run/sock} \
		WWWROOT=${WWWROOT:-$root/www} \
		MEDIADIR=${MEDIADIR:-$root/var/media} \
		SERVER_NAME=${SERVER_NAME:-127.0.0.1} PORT=${PORT:-8080} \
		RUNDIR=$rundir CACHEDIR=${CACHEDIR:-$rundir/tmp/cache} \
		SESSION_COOKIE=$(session_cookie) \
		NGINX_USER=${NGINX_USER:-"# user: unchanged"} \
		    render_nginx local
		;;
	prod)
		[ -n "${DOMAIN:-}" ] || die "render-nginx prod needs DOMAIN="
		SOCKDIR=${SOCKDIR:-/run/vigil} \
		WWWROOT=${WWWROOT:-/usr/local/share/vigil/www} \
		MEDIADIR=${MEDIADIR:-/var/lib/vigil/media} \
		SERVER_NAME=$DOMAIN \
		CACHEDIR=${CACHEDIR:-/var/cache/nginx/vigil} \
		SESSION_COOKIE=$(session_cookie) \
		CERTDIR=${CERTDIR:-/etc/letsencrypt/live/$DOMAIN} \
		ACMEROOT=${ACMEROOT:-/var/www/html} \
		    render_nginx prod
		;;
	*) usage ;;
	esac
}

[ $# -ge 1 ] || usage
case $1 in
start) [ $# = 2 ] || usage; cmd_start "$2" ;;
stop) [ $# = 2 ] || usage; cmd_stop "$2" ;;
status) [ $# = 2 ] || usage; cmd_status "$2" ;;
render-nginx) [ $# = 2 ] || usage; cmd_render "$2" ;;
*) usage ;;
esac
