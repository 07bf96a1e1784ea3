#!/usr/bin/env bash
# deps.sh [build|test]: make sure the Debian 12 packages Vigil needs are
# installed.  As root, installs what is missing (apt-get update once, then
# apt-get install); otherwise prints the exact command and exits 1.  Quiet
# when everything is there, so make run and make test can call it always.
#
#   build   compile, run (make run): compiler, libraries, nginx, sqlite3
#   test    build + what the test suites need, and the Node packages of
#           tests/package-lock.json (npm ci) when they are missing or
#           older than the lockfile
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
mode=${1:-build}

# One word per requirement; "a|b" is satisfied by either package and
# installs the first.  nginx: Debian 12's "nginx" package is the server
# itself; nginx-light/-full/-extras would do as well.  GStreamer: the -dev
# packages build cgi-bin/whip (lib/relay.c); the relay loads webrtcbin
# and the HLS/RTMP elements (plugins-bad), libnice (gstreamer1.0-nice),
# mp4mux/flvmux (good), opus/appsrc/appsink (base), avenc_aac (libav);
# glib-networking gives rtmp2sink its TLS for rtmps://.
BUILD_PKGS="build-essential pkg-config libfcgi-dev libcurl4-openssl-dev
    libcjson-dev libsqlite3-dev sqlite3 libjwt-dev libssl-dev
    nginx|nginx-light|nginx-full|nginx-extras|nginx-core spawn-fcgi curl jq
    ca-certificates procps iproute2
    libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
    libgstreamer-plugins-bad1.0-dev gstreamer1.0-plugins-base
    gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-nice
    gstreamer1.0-libav glib-networking"

# Tests: the RTMP module for the relay's loopback RTMP server (its own
# nginx config; never loaded by nginx/vigil.conf.in), valgrind for
# make valgrind, cppcheck for make lint, clang for libFuzzer, wrk and time (/usr/bin/time) for
# make bench, openssl to sign webhook payloads in the integration tests.
# The relay suite (tests/relay/): Debian's Chromium as the publisher
# (driven by playwright-core from tests/package.json; no browser
# download), ffmpeg for ffprobe, and the GStreamer plugins the relay
# loads at run time.
TEST_PKGS="libnginx-mod-rtmp valgrind cppcheck clang wrk time openssl chromium ffmpeg
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad gstreamer1.0-nice gstreamer1.0-libav"

LATER_PKGS=""

case $mode in
build) want=$BUILD_PKGS ;;
test)
	want="$BUILD_PKGS $TEST_PKGS $LATER_PKGS"
	# Node: any node >= 20 will do (a NodeSource build brings its own
	# npm); Debian's packages only when there is none.
	if ! command -v node >/dev/null 2>&1; then
		want="$want nodejs npm"
	elif ! command -v npm >/dev/null 2>&1 &&
	    [ -f "$root/tests/package-lock.json" ]; then
		want="$want npm"
	fi
	;;
*)
	echo "usage: tools/deps.sh [build|test]" >&2
	exit 2
	;;
esac

# Installed packages, one name per line.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' 2>/dev/null |
    awk 'substr($2, 2, 1) == "i" { print $1 }')

missing=""
for req in $want; do
	ok=0
	for alt in ${req//|/ }; do
		# A here-string, not printf | grep -q: with pipefail, grep
		# quitting early would SIGPIPE printf and fail the test.
		if grep -qxF "$alt" <<<"$installed"; then
			ok=1
			break
		fi
	done
	[ $ok = 1 ] || missing="$missing ${req%%|*}"
done
missing=${missing# }

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing Debian packages; install them with:" >&2
		echo "  sudo apt-get install -y --no-install-recommends $missing" >&2
		exit 1
	fi
	echo "deps: installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	# Installing nginx starts Debian's own nginx service on port 80,
	# which we never use; if port 80 is taken, that start fails and
	# so would the install.  While installing, tell invoke-rc.d not
	# to start services (101 = action not allowed), unless the
	# machine already has such a policy of its own.
	policy=/usr/sbin/policy-rc.d
	ours=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		ours=1
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq
	# $missing is a list of words on purpose.
	# shellcheck disable=SC2086
	apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $missing
	if [ $ours = 1 ]; then
		rm -f "$policy"
		trap - EXIT
	fi
fi

# Node packages for the tests, from the lockfile only (npm ci).
if [ "$mode" = test ] && [ -f "$root/tests/package-lock.json" ]; then
	nm=$root/tests/node_modules
	if [ ! -d "$nm" ] || [ "$root/tests/package-lock.json" -nt "$nm" ]; then
		echo "deps: npm ci in tests/"
		(cd "$root/tests" && npm ci --no-audit --no-fund --loglevel=error)
		touch "$nm"
	fi
fi
