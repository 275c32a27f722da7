# mncr: kernel module + userspace for the face-recognition My Number Card reader.
#
#   make            module (against KDIR) and userspace programs
#   make deps       install every Debian package the build and tests need
#   make check      deps, build, unit tests (plain and ASan/UBSan), lint, VM tests
#   make install    module, udev rules, programs

KVER ?= $(shell tests/vm/kernel-version)
KDIR ?= /lib/modules/$(KVER)/build
O := build

CC ?= cc
CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -fstack-protector-strong
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
PKGS := libusb-1.0 openssl libopenjp2 libjpeg libpng sqlite3 cairo pangocairo
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS := $(PKG_LIBS) -lm -lpthread
CPPFLAGS := -D_GNU_SOURCE -Iinclude/uapi -Iuserspace/lib $(PKG_CFLAGS)

LIB_SRC := $(wildcard userspace/lib/*.c)
CLI_SRC := $(wildcard userspace/cli/*.c)
SIM_SRC := $(wildcard userspace/sim/*.c)
SVC_SRC := $(wildcard userspace/service/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
BENCH_SRC := $(wildcard tests/bench/*.c)
ITEST_SRC := $(wildcard tests/integration/*.c)
HDRS := $(wildcard include/uapi/linux/*.h userspace/*/*.h tests/unit/*.h)

LIB := $(O)/libmncr.a
PROGRAMS := $(O)/mncr $(O)/mncr-sim $(if $(SVC_SRC),$(O)/mncr-eligd)
UNIT := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
UNIT_ASAN := $(UNIT_SRC:tests/unit/%.c=$(O)/asan/tests/%)
BENCH := $(BENCH_SRC:tests/bench/%.c=$(O)/bench/%)
ITEST := $(ITEST_SRC:tests/integration/%.c=$(O)/itest/%)

.PHONY: all module userspace tests deps check check-unit check-vm lint bench \
	fuzz accuracy install clean

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod W=1 modules

userspace: $(LIB) $(PROGRAMS)

tests: $(UNIT) $(UNIT_ASAN) $(BENCH) $(ITEST)

$(O)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/asan/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) -c -o $@ $<

$(LIB): $(LIB_SRC:%.c=$(O)/%.o)
	$(AR) rcs $@ $^

$(O)/asan/libmncr.a: $(LIB_SRC:%.c=$(O)/asan/%.o)
	$(AR) rcs $@ $^

$(O)/mncr: $(CLI_SRC:%.c=$(O)/%.o) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/mncr-sim: $(SIM_SRC:%.c=$(O)/%.o) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/mncr-eligd: $(SVC_SRC:%.c=$(O)/%.o) $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: $(O)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

# The service's end-to-end test starts the real service.
$(O)/tests/test_elig_service $(O)/asan/tests/test_elig_service: | $(O)/mncr-eligd

$(O)/asan/tests/%: $(O)/asan/tests/unit/%.o $(O)/asan/libmncr.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ -lcmocka $(LDLIBS)

$(O)/bench/%: $(O)/tests/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(O)/itest/%: $(O)/tests/integration/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

deps:
	scripts/install-deps
	scripts/fetch-models

check: deps
	$(MAKE) all tests
	tests/check

check-unit: tests
	tests/check --unit

check-vm: all tests
	tests/check --vm

lint:
	tests/lint

bench: all tests
	tests/bench/run

# Face accuracy over LFW (../shared/face-data; skipped when absent).
accuracy: $(LIB)
	tests/accuracy/run

# Parser fuzzing, longer than the short run in make check: FUZZ_SECONDS each.
FUZZ_SECONDS ?= 300
fuzz:
	tests/fuzz/run $(FUZZ_SECONDS)

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(KVER)
	install -D -m 0644 udev/60-mncr.rules $(DESTDIR)/etc/udev/rules.d/60-mncr.rules
	install -D -m 0755 $(O)/mncr $(DESTDIR)/usr/local/bin/mncr
	install -D -m 0755 $(O)/mncr-sim $(DESTDIR)/usr/local/bin/mncr-sim
	install -D -m 0644 userspace/cli/mncr.1 $(DESTDIR)/usr/local/share/man/man1/mncr.1
	getent group mncr >/dev/null || groupadd --system mncr
	udevadm control --reload 2>/dev/null || true

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod clean
	rm -rf $(O)/tests $(O)/asan $(O)/userspace $(O)/bench $(O)/itest $(LIB) $(PROGRAMS)
