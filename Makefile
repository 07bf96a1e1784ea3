# Vigil: plain GNU make, no configure step.
#
#   make            build lib, FastCGI programs and the CLI under build/
#   make run        the whole product on 127.0.0.1:${PORT:-8080}
#   make test       every suite (installs what it needs when run as root)
#   make check      unit tests only
#   make deps       install the Debian packages the build and run need
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

LIB_SRC	 = $(wildcard lib/*.c)
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

$(BUILD)/vigil: $(BUILD)/obj/tools/vigil.o $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS)

# Unit tests may #include the module's .c to reach statics (h2o style);
# they link the library with the module's objects left to the linker.
$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -iquote tests/unit -o $@ $< $(BUILD)/libvigil.a $(LDLIBS)

check: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

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

.PHONY: all check deps migrate run test install lint clean
.SECONDARY:
