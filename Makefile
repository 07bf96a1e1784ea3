# Vigil: plain GNU make, no configure step.
#
#   make            build lib, FastCGI programs and the CLI under build/
#   make run        the whole product on 127.0.0.1:${PORT:-8080}
#   make test       every suite (installs what it needs when run as root)
#   make check      unit tests and the fuzz corpora (SAN=1: sanitized)
#   make fuzz       libFuzzer targets under build/fuzz/ (clang)
#   make deps       install the Debian packages the build and run need
#   make bench      benchmark ratios on loopback (bench/README.md)
#   make san        unit, fuzz corpora and integration under ASan+UBSan
#   make valgrind   each FastCGI program under valgrind, 10k requests
#
# Site overrides go in Makefile.local (not committed).

CC	?= cc
PREFIX	?= /usr/local
DESTDIR	?=
BUILD	?= build

PKGS	 = libcurl libcjson sqlite3 libjwt libcrypto
PKG_CFLAGS != pkg-config --cflags $(PKGS) 2>/dev/null | sed "s,-I/usr/include/[a-z0-9_]*-linux-gnu,,g" || echo "-I/usr/include/cjson"
PKG_LIBS   != pkg-config --libs $(PKGS) 2>/dev/null || echo "-lcurl -lcjson -lsqlite3 -ljwt -lcrypto"

WARN	 = -Wall -Wextra -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	   -Wmissing-declarations -Wshadow -Wpointer-arith -Wsign-compare \
	   -Wno-unused-parameter
ifeq ($(CI),true)
WARN	+= -Werror
endif
OPT	?= -O2 -g
SCHEMA_VERSION != ls sql/[0-9][0-9][0-9]_*.sql | sed 's,.*/0*,,; s,_.*,,' | sort -n | tail -1
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -fno-strict-aliasing \
	   -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	   -DSCHEMA_VERSION=$(SCHEMA_VERSION) $(PKG_CFLAGS) -iquote lib
LDLIBS	+= $(PKG_LIBS) -lfcgi -lpthread

sinclude Makefile.local

# GStreamer: only lib/relay.c is compiled with its headers and only
# build/cgi-bin/whip links it.  relay.c stays out of libvigil.a (and so
# out of the unit tests and fuzz builds); -isystem keeps -Werror off
# GLib's headers.
GST_PKGS = gstreamer-1.0 gstreamer-app-1.0 gstreamer-sdp-1.0 \
	   gstreamer-video-1.0 gstreamer-webrtc-1.0
GST_CFLAGS != pkg-config --cflags $(GST_PKGS) 2>/dev/null | sed 's,-I,-isystem ,g' || true
GST_LIBS   != pkg-config --libs $(GST_PKGS) 2>/dev/null || true

LIB_SRC	 = $(filter-out lib/relay.c,$(wildcard lib/*.c))
LIB_OBJ	 = $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CGI_SRC	 = $(wildcard cgi-bin/*.c)
CGI_BIN	 = $(CGI_SRC:cgi-bin/%.c=$(BUILD)/cgi-bin/%)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HDRS	 = $(wildcard lib/*.h)

all: $(BUILD)/libvigil.a $(CGI_BIN) $(BUILD)/vigil

$(BUILD)/obj/%.o: %.c $(HDRS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/cgi-bin/%: $(BUILD)/obj/cgi-bin/%.o $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS)

$(BUILD)/obj/lib/relay.o: CFLAGS += $(GST_CFLAGS)

$(BUILD)/cgi-bin/whip: $(BUILD)/obj/cgi-bin/whip.o $(BUILD)/obj/lib/relay.o \
	    $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	@[ -n "$(GST_LIBS)" ] || { echo "whip needs GStreamer's -dev" \
	    "packages: run tools/deps.sh build"; false; }
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/obj/lib/relay.o \
	    $(BUILD)/libvigil.a $(LDLIBS) $(GST_LIBS)

$(BUILD)/vigil: $(BUILD)/obj/tools/vigil.o $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS)

# Unit tests may #include the module's .c to reach statics (h2o style);
# they link the library with the module's objects left to the linker.
$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -iquote tests/unit -o $@ $< $(BUILD)/libvigil.a $(LDLIBS)

check: $(UNIT_BIN) fuzz-replay
	@tests/run-unit.sh $(UNIT_BIN)

# Fuzzing (STYLE 2.10): a libFuzzer target per parser in tests/fuzz/,
# its corpus in tests/fuzz/corpus/<name>/.  `make fuzz` builds them with
# clang, never -Werror (clang warns where gcc does not; the gcc build is
# the lint).  Run one: build/fuzz/fuzz_event_json -max_total_time=60
# tests/fuzz/corpus/fuzz_event_json.  `make fuzz-replay`, part of check,
# runs each corpus file once through tests/fuzz/replay.c with $(CC),
# sanitized when SAN=1 (the library is then compiled into the replayers
# with the same flags).
FUZZ_CC	 ?= clang
FUZZ_SRC  = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_RPL  = $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/replay-%)
FUZZ_SAN  = -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
RPL_SAN	  = $(if $(filter 1,$(SAN)),$(FUZZ_SAN))
RPL_LIB	  = $(if $(filter 1,$(SAN)),$(LIB_SRC),$(BUILD)/libvigil.a)
RPL_STAMP = $(BUILD)/fuzz/replay-flags

$(FUZZ_BIN): $(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(LIB_SRC) $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(filter-out -Werror,$(CFLAGS)) -fsanitize=fuzzer $(FUZZ_SAN) \
	    -o $@ $< $(LIB_SRC) $(LDLIBS)

# Rewritten only when SAN changes, so the replayers rebuild just then.
$(RPL_STAMP): fuzz-flags
	@mkdir -p $(@D)
	@echo '$(RPL_SAN)' | cmp -s - $@ || echo '$(RPL_SAN)' >$@

$(FUZZ_RPL): $(BUILD)/fuzz/replay-%: tests/fuzz/%.c tests/fuzz/replay.c \
	    tests/fuzz/fuzz.h $(RPL_LIB) $(HDRS) $(RPL_STAMP)
	$(CC) $(CFLAGS) $(RPL_SAN) -o $@ tests/fuzz/replay.c $< $(RPL_LIB) $(LDLIBS)

fuzz: $(FUZZ_BIN)

fuzz-replay: $(FUZZ_RPL)
	@sh tests/fuzz/replay.sh $(FUZZ_RPL)

.PHONY: fuzz fuzz-replay fuzz-flags

deps:
	@tools/deps.sh build

migrate: all
	@tools/migrate.sh "$${VIGIL_DB:-var/vigil.db}"

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run.sh

# Packages first: on a fresh machine the build needs them.
test:
	@tools/deps.sh test
	@$(MAKE) --no-print-directory all
	@tests/run-all.sh

# Ratios measured in one run on loopback (bench/README.md); not in test.
bench: all
	@BUILD=$(BUILD) bench/run.sh

# make san: everything rebuilt with ASan + UBSan into $(SAN_BUILD) (build/
# untouched), then the unit tests, the fuzz corpora and the integration
# suite on it; any sanitizer report fails (tests/san/run.sh).  Workers
# end with _exit(), which skips LeakSanitizer: lsan-exit.c runs its
# check first.  libstdc++ is linked for the relay (see t07-memory.sh).
SAN_BUILD  = $(BUILD)/san
SAN_MAKE   = $(MAKE) --no-print-directory BUILD=$(SAN_BUILD) SAN=1 \
	     OPT="-O1 -g $(FUZZ_SAN)" LDFLAGS="$(FUZZ_SAN) \
	     -Wl,--no-as-needed -lstdc++ -Wl,--as-needed \
	     -Wl,--wrap=_exit tests/relay/lsan-exit.c"

san:
	@BUILD=$(SAN_BUILD) tests/san/run.sh $(SAN_MAKE)

# make valgrind: each FastCGI program of the normal build serves 10k
# requests behind nginx twice: natively (no RSS growth), then under
# valgrind (no error, no leak) (tests/valgrind/run.sh).
valgrind: all
	@BUILD=$(BUILD) tests/valgrind/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/vigil \
	    $(DESTDIR)$(PREFIX)/share/vigil/sql $(DESTDIR)$(PREFIX)/share/vigil/www
	install -m 0755 $(BUILD)/vigil $(DESTDIR)$(PREFIX)/bin/vigil
	install -m 0755 $(CGI_BIN) $(DESTDIR)$(PREFIX)/libexec/vigil/
	install -m 0644 sql/*.sql $(DESTDIR)$(PREFIX)/share/vigil/sql/
	install -m 0755 tools/migrate.sh $(DESTDIR)$(PREFIX)/share/vigil/
	cp -R www/. $(DESTDIR)$(PREFIX)/share/vigil/www/

lint:
	@! grep -nE '\b(gets|sprintf|vsprintf|strcpy|strcat|strncpy|strncat|strtok|atoi|atol|atof|sscanf|system|popen|rand)[[:space:]]*\(' \
	    lib/*.c cgi-bin/*.c tools/*.c || (echo "banned function"; false)
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr -Ilib lib cgi-bin tools

clean:
	rm -rf $(BUILD)

.PHONY: all check deps migrate run test bench san valgrind install lint clean
.SECONDARY:
