# mncr: kernel module + userspace for the face-recognition My Number Card reader.
#
#   make            module (against KDIR) and userspace programs
#   make deps       install every Debian package the build and tests need
#   make check      deps, build, unit tests (plain and ASan/UBSan), lint, VM tests
#   make install    module, udev rules, programs, libmncr (library, headers, .pc)
#   make install-lib libmncr only (no root side effects; DESTDIR= stages it)
#   make deb        Debian packages in build/deb/ (debian/), checked by lintian
#   make example    examples/appliance.c against a staged install-lib

KVER ?= $(shell tests/vm/kernel-version)
KDIR ?= /lib/modules/$(KVER)/build
O := build

CC ?= cc
CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -fstack-protector-strong
# A distribution's build flags (debian/rules: dpkg-buildflags) on top of
# ours: EXTRA_CFLAGS for every compile, EXTRA_LDFLAGS for the shipped
# links; RPATH empty for programs that find libmncr.so in the system's
# library directory rather than beside themselves.
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
RPATH ?= -Wl,-rpath,'$$ORIGIN'
CFLAGS += $(EXTRA_CFLAGS)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
PKGS := libusb-1.0 openssl libcurl json-c libopenjp2 libjpeg libpng sqlite3 cairo pangocairo libpcsclite libv4l2 \
	libprotobuf-c
# The service's event loop (mncr-eligd only).
EVENT_LIBS := $(shell pkg-config --libs libevent_openssl libevent_pthreads 2>/dev/null)
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS := $(PKG_LIBS) -lm -lpthread
CPPFLAGS := -D_GNU_SOURCE -Iinclude -Iinclude/uapi -Iuserspace/lib -I$(O)/gen $(PKG_CFLAGS)

# ONNX's schema as Debian's libonnx-dev ships it, compiled by protoc-c at
# build time into $(O)/gen (never committed); face_onnx decodes with it.
ONNX_PROTO_DIR := /usr/include
ONNX_PB := $(O)/gen/onnx/onnx.pb-c

# libmncr, one folder per layer; the card emulator (emul/, for the simulator
# and the tests) is an archive of its own, not in the production library.
LIB_LAYERS := util reader card face camera elig flow api
LIB_SRC := $(foreach d,$(LIB_LAYERS),$(wildcard userspace/lib/$(d)/*.c)) $(ONNX_PB).c
EMUL_SRC := $(wildcard userspace/lib/emul/*.c)
CLI_SRC := $(wildcard userspace/cli/*.c)
SIM_SRC := $(wildcard userspace/sim/*.c)
SVC_SRC := $(wildcard userspace/service/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
BENCH_SRC := $(wildcard tests/bench/*.c)
ITEST_SRC := $(wildcard tests/integration/*.c)

LIB := $(O)/libmncr.a
# The shared library exports only include/mncr/'s functions (the version
# script); libmncr.a keeps every symbol for the tools and tests that use
# internals.
VERSION := 0.1.0
SONAME := libmncr.so.0
LIB_SO := $(O)/libmncr.so.$(VERSION)
LIB_MAP := userspace/lib/libmncr.map
LIB_EMUL := $(O)/libmncr-emul.a
# The kiosk (userspace/kiosk/, GTK 4): only when GTK 4 is installed.
KIOSK_SRC := $(wildcard userspace/kiosk/*.c)
GTK_CFLAGS := $(shell pkg-config --cflags gtk4 2>/dev/null)
GTK_LIBS := $(shell pkg-config --libs gtk4 libcrypto 2>/dev/null)
# The 申立書 preview (poppler-glib) when it is there; else the page says so.
ifneq ($(GTK_CFLAGS),)
ifneq ($(shell pkg-config --exists poppler-glib 2>/dev/null && echo y),)
GTK_CFLAGS += $(shell pkg-config --cflags poppler-glib) -DKIOSK_POPPLER
GTK_LIBS += $(shell pkg-config --libs poppler-glib)
endif
endif
KIOSK := $(if $(GTK_CFLAGS),$(O)/mncr-kiosk)
PROGRAMS := $(O)/mncr $(O)/mncr-sim $(if $(SVC_SRC),$(O)/mncr-eligd) $(KIOSK)
UNIT := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
UNIT_ASAN := $(UNIT_SRC:tests/unit/%.c=$(O)/asan/tests/%)
BENCH := $(BENCH_SRC:tests/bench/%.c=$(O)/bench/%)
ITEST := $(ITEST_SRC:tests/integration/%.c=$(O)/itest/%)
# Message catalogues (po/README.rst): po/LANG.po -> locale/LANG/LC_MESSAGES/mncr.mo
PO_SRC := $(wildcard po/*.po)
MO := $(PO_SRC:po/%.po=$(O)/locale/%/LC_MESSAGES/mncr.mo)
# The kiosk's own words (po/kiosk/README.rst): domain mncr-kiosk.
MO += $(if $(KIOSK),$(patsubst po/kiosk/%.po,$(O)/locale/%/LC_MESSAGES/mncr-kiosk.mo,$(wildcard po/kiosk/*.po)))

.PHONY: all module userspace tests deps check check-unit print-ldlibs check-vm lint bench \
	fuzz accuracy bench-face bench-flow bench-flow-native demo install install-lib example clean \
	check-debug check-kernels \
	stress fuzz-ioctl dkms-source dkms-install check-fresh screenshots \
	install-userspace deb

all: module userspace

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod W=1 modules

userspace: $(LIB) $(LIB_SO) $(LIB_EMUL) $(PROGRAMS) $(MO)

tests: $(UNIT) $(UNIT_ASAN) $(BENCH) $(ITEST) $(O)/examples/appliance

# Each object's header dependencies, as the compiler saw them (-MMD), with
# an empty rule per header (-MP) so a deleted or moved header is no error.
DEPFLAGS = -MMD -MP

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(ONNX_PB).c: $(ONNX_PROTO_DIR)/onnx/onnx.proto
	@mkdir -p $(O)/gen
	protoc-c --proto_path=$(ONNX_PROTO_DIR) --c_out=$(O)/gen onnx/onnx.proto
$(ONNX_PB).h: $(ONNX_PB).c

# The shared library's objects: position-independent, hidden but for
# MNCR_PUBLIC.
$(O)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -fvisibility=hidden $(DEPFLAGS) -c -o $@ $<

$(O)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) $(DEPFLAGS) -c -o $@ $<

# An archive is written anew: ar would keep members whose source is gone.
$(LIB): $(LIB_SRC:%.c=$(O)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB_SO): $(LIB_SRC:%.c=$(O)/pic/%.o) $(LIB_MAP)
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(LIB_MAP) \
		-Wl,-z,defs -o $@ $(filter %.o,$^) $(LDLIBS)
	ln -sf $(notdir $@) $(O)/$(SONAME)
	ln -sf $(SONAME) $(O)/libmncr.so

$(O)/libmncr.so.0 $(O)/libmncr.so: $(LIB_SO)

$(O)/asan/libmncr.a: $(LIB_SRC:%.c=$(O)/asan/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB_EMUL): $(EMUL_SRC:%.c=$(O)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/asan/libmncr-emul.a: $(EMUL_SRC:%.c=$(O)/asan/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(O)/locale/%/LC_MESSAGES/mncr.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ $<

$(O)/locale/%/LC_MESSAGES/mncr-kiosk.mo: po/kiosk/%.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ $<

# mncr links libmncr.so for the public API (qualify); the technician
# commands use internals the .so hides, so libmncr.a comes after it.
$(O)/mncr: $(CLI_SRC:%.c=$(O)/%.o) $(LIB_SO) $(LIB)
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -o $@ $(filter %.o,$^) -L$(O) -lmncr $(RPATH) \
		$(LIB) $(LDLIBS)

# The kiosk sees only the public headers (include/mncr) and libmncr.so, as
# an appliance vendor's program would.
$(O)/kiosk/%.o: userspace/kiosk/%.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE -DLOCALEDIR='"$(PREFIX)/share/locale"' -Iinclude \
		$(GTK_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(O)/mncr-kiosk: $(KIOSK_SRC:userspace/kiosk/%.c=$(O)/kiosk/%.o) $(LIB_SO)
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -o $@ $(filter %.o,$^) -L$(O) -lmncr $(RPATH) \
		$(GTK_LIBS)

$(O)/mncr-sim: $(SIM_SRC:%.c=$(O)/%.o) $(LIB_EMUL) $(LIB)
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/mncr-eligd: $(SVC_SRC:%.c=$(O)/%.o) $(LIB)
	$(CC) $(CFLAGS) $(EXTRA_LDFLAGS) -o $@ $^ $(EVENT_LIBS) $(LDLIBS)

$(O)/tests/%: $(O)/tests/unit/%.o $(LIB_EMUL) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) -lcmocka $(LDLIBS)

# The service's end-to-end test starts the real service.
$(O)/tests/test_elig_service $(O)/asan/tests/test_elig_service \
$(O)/tests/test_elig_robust $(O)/asan/tests/test_elig_robust: | $(O)/mncr-eligd

# Unit tests of the service's pure parts.
$(O)/tests/test_eligd_request: $(O)/userspace/service/request.o
$(O)/tests/test_eligd_sources: $(O)/userspace/service/sources.o
$(O)/asan/tests/test_eligd_request: $(O)/asan/userspace/service/request.o
$(O)/asan/tests/test_eligd_sources: $(O)/asan/userspace/service/sources.o
# The kiosk's question handshake (glib only, no GTK).
$(O)/tests/test_kiosk_ask: $(O)/userspace/kiosk/ask.o
$(O)/asan/tests/test_kiosk_ask: $(O)/asan/userspace/kiosk/ask.o

$(O)/asan/tests/%: $(O)/asan/tests/unit/%.o $(O)/asan/libmncr-emul.a $(O)/asan/libmncr.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $(filter %.o,$^) $(filter %.a,$^) -lcmocka $(LDLIBS)

$(O)/bench/%: $(O)/tests/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The native flow benchmark runs the simulator's card and scene in-process.
FLOW_NATIVE_SIM := ccid_card face_source log scene scene_assets card_profile \
	card_profiles card_profile_file
$(O)/bench/flow_native: $(O)/tests/bench/flow_native.o \
		$(FLOW_NATIVE_SIM:%=$(O)/userspace/sim/%.o) $(LIB_EMUL) $(LIB)
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

# The libraries a program linking libmncr.a needs, for scripts that build
# test tools (tests/accuracy, camera_pipeline.host): one list, the Makefile's.
print-ldlibs:
	@echo $(LDLIBS)

check-unit: tests $(KIOSK) $(MO)
	tests/check --unit

check-vm: all tests
	tests/check --vm

lint:
	tests/lint

bench: all tests
	tests/bench/run

# Face stages on one core (ms, medians), on a simulated camera frame when
# mncr-sim and the models are there.
bench-face: $(O)/bench/face_pipeline_bench $(O)/bench/face_bench
	tests/bench/face_run

# Card set -> identity verified, and APDU bytes, per face-mode qualify run
# in the test bed (figures, no pass/fail): make bench-flow [FLOW_RUNS=N].
FLOW_RUNS ?= 3
bench-flow: all tests
	$(VM_RUN) -- tests/bench/flow_bench.sh $(FLOW_RUNS)

# The same flow on the host, no VM, on one core (figures only): libmncr's
# session, face attempt and eligibility client over the card emulator
# in-process, the simulator's scene, mncr-eligd on loopback with mutual
# TLS. make bench-flow-native [FLOW_RUNS=N]; runs are cheap here: 10 unless
# FLOW_RUNS is given.
bench-flow-native: $(O)/bench/flow_native $(O)/mncr-eligd
	taskset -c 0 $(O)/bench/flow_native \
		$(if $(filter command line environment,$(origin FLOW_RUNS)),$(FLOW_RUNS),10)

# The simulated reader end to end in the test bed: make demo [SCENARIO=1-8|NAME].
SCENARIO ?= 2
demo: deps
	$(MAKE) all
	tests/demo/run $(SCENARIO)

# The README's two commands on a fresh Debian root (debootstrap, cached in
# /var/cache/mncr/fresh), as a newcomer runs them: make check-fresh
# [DIST=bookworm]. Root; as long as make check and make demo. Not in CI.
DIST ?= bookworm
check-fresh:
	tests/fresh/run $(DIST)

# Face accuracy over LFW (../shared/face-data; skipped when absent).
accuracy: $(LIB)
	tests/accuracy/run

# Parser fuzzing, longer than the short run in make check: FUZZ_SECONDS each.
FUZZ_SECONDS ?= 300
fuzz:
	tests/fuzz/run $(FUZZ_SECONDS)

# Hardening (Documentation/testbed.rst, "Debug kernel and stress"): the VM
# suite on a KASAN/lockdep/kmemleak kernel built from Debian's linux-source and
# cached in /var/cache/mncr; the long stress and ioctl-fuzz runs.
STRESS_CYCLES ?= 1000
FUZZ_IOCTL_CALLS ?= 1000000
VM_RUN := tests/vm/run --udev-rules udev/60-mncr.rules --timeout 0
# make check-debug [DEBUG_SUITE=bookworm-backports]: a debug kernel from
# that suite's linux-source instead of the release's own (6.12 on Debian 12).
DEBUG_SUITE ?=
check-debug: userspace tests
	tests/vm/debug-kernel $(if $(DEBUG_SUITE),--suite $(DEBUG_SUITE))
	MNCR_VM_KERNEL=$$(tests/vm/debug-kernel $(if $(DEBUG_SUITE),--suite $(DEBUG_SUITE)) \
		--print-dir) tests/check --vm

# The driver, simulator, card, camera and flow suites on the installed
# kernel and on Debian's other supported one (tests/vm/kernels fetches it,
# never installs it): make check-kernels [KERNEL_SUITES=bookworm-backports].
check-kernels: all tests
	tests/vm/check-kernels $(KERNEL_SUITES)

stress: all tests
	$(VM_RUN) --env MNCR_STRESS_CYCLES=$(STRESS_CYCLES) -- tests/integration/stress_plug.sh

fuzz-ioctl: all tests
	$(VM_RUN) --env MNCR_FUZZ_CALLS=$(FUZZ_IOCTL_CALLS) -- tests/integration/drv_ioctl_fuzz.sh

# The module as DKMS source, rebuilt for every kernel Debian installs:
# dkms-source stages /usr/src/mncr-VERSION (DESTDIR=, as the mncr-dkms
# package does), dkms-install also builds and installs it with dkms.
DKMS_VERSION := 0.1
DKMS_SRC := $(DESTDIR)/usr/src/mncr-$(DKMS_VERSION)
dkms-source:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/driver $(DKMS_SRC)/include/uapi/linux
	install -m 0644 Kbuild $(DKMS_SRC)/Kbuild
	install -m 0644 driver/*.c driver/*.h $(DKMS_SRC)/driver/
	install -m 0644 include/uapi/linux/mncr.h include/uapi/linux/mncr_proto.h \
		$(DKMS_SRC)/include/uapi/linux/
	sed 's/#MODULE_VERSION#/$(DKMS_VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

dkms-install: dkms-source
	dkms remove mncr/$(DKMS_VERSION) --all 2>/dev/null || true
	dkms add mncr/$(DKMS_VERSION)
	dkms install mncr/$(DKMS_VERSION) -k $(KVER)

PREFIX ?= /usr/local
# Where make install puts the message catalogues, for mncr qualify.
CPPFLAGS += -DLOCALEDIR='"$(PREFIX)/share/locale"'
# Where make install puts tests/faces, for an installed mncr-sim.
CPPFLAGS += -DMNCR_FACES_DIR='"$(PREFIX)/share/mncr/faces"'

# libmncr: the .so and its links, include/mncr/, the .pc (Requires.private:
# the pkg-config packages the library links). Multiarch libdir on Debian.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
install-lib: $(LIB_SO)
	install -D -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/$(notdir $(LIB_SO))
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmncr.so
	install -D -m 0644 -t $(DESTDIR)$(INCLUDEDIR)/mncr include/mncr/*.h
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    -e 's|@REQUIRES@|$(PKGS)|' userspace/lib/libmncr.pc.in \
	    >$(DESTDIR)$(LIBDIR)/pkgconfig/mncr.pc
	ln -sf mncr.pc $(DESTDIR)$(LIBDIR)/pkgconfig/libmncr.pc

# examples/appliance.c built as a vendor would: against a staged
# install-lib, with only pkg-config's flags.
STAGE := $(CURDIR)/$(O)/stage
example: $(O)/examples/appliance
$(O)/examples/appliance: examples/appliance.c $(LIB_SO) include/mncr/*.h \
		userspace/lib/libmncr.pc.in
	rm -rf $(STAGE)
	$(MAKE) --no-print-directory install-lib DESTDIR=$(STAGE) PREFIX=/usr
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -o $@ $< \
		$$(PKG_CONFIG_SYSROOT_DIR=$(STAGE) \
		   PKG_CONFIG_PATH=$(STAGE)/usr/lib/$(MULTIARCH)/pkgconfig:$(STAGE)/usr/lib/pkgconfig \
		   pkg-config --cflags --libs mncr) \
		-Wl,-rpath,'$$ORIGIN/../stage/usr/lib/$(MULTIARCH)'

# The appliance guide's screenshots (Documentation/kiosk.rst): the kiosk's
# scenarios in the test bed (QEMU, like check-vm), the chosen PNGs copied.
SHOTS := $(CURDIR)/$(O)/screenshots
# Only screens without a face: the face and 目視確認 pages show the test
# faces (LFW under ../shared/face-data), which never go into the repo.
SHOTS_PICK := k1/consent k1/result k2/staff k3/choose k3/pin k4/result
screenshots: userspace
	rm -rf $(SHOTS) && mkdir -p $(SHOTS)
	tests/vm/run --udev-rules udev/60-mncr.rules --timeout 2400 --rw $(SHOTS) \
		--env KIOSK_SHOTS=$(SHOTS) -- /bin/bash tests/integration/kiosk_flow.sh
	mkdir -p Documentation/images/kiosk
	for p in $(SHOTS_PICK); do \
		f=$$(ls $(SHOTS)/$${p%/*}/*-$${p#*/}.png | tail -n 1) && [ -n "$$f" ] && \
		cp "$$f" Documentation/images/kiosk/$${p%/*}-$${p#*/}.png || exit 1; done

# Where the udev rules and the systemd units go: the administrator's
# directories for make install, the distribution's for a package
# (debian/rules: /lib/udev/rules.d, /lib/systemd/system).
UDEVRULESDIR ?= /etc/udev/rules.d
UNITDIR ?= /etc/systemd/system

# Everything but the module, under DESTDIR, with no root side effects: the
# userspace half of make install, and what the Debian packages ship.
install-userspace: userspace install-lib
	install -D -m 0644 udev/60-mncr.rules $(DESTDIR)$(UDEVRULESDIR)/60-mncr.rules
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@BINDIR@|$(PREFIX)/bin|' udev/mncr-audit@.service \
		> $(DESTDIR)$(UNITDIR)/mncr-audit@.service
	install -D -m 0755 $(O)/mncr $(DESTDIR)$(PREFIX)/bin/mncr
	install -D -m 0755 $(O)/mncr-sim $(DESTDIR)$(PREFIX)/bin/mncr-sim
	$(if $(SVC_SRC),install -D -m 0755 $(O)/mncr-eligd $(DESTDIR)$(PREFIX)/bin/mncr-eligd)
	$(if $(SVC_SRC),sed 's|@BINDIR@|$(PREFIX)/bin|' userspace/service/mncr-eligd.service \
		> $(DESTDIR)$(UNITDIR)/mncr-eligd.service)
	$(if $(SVC_SRC),install -D -m 0644 userspace/service/eligd.conf \
		$(DESTDIR)/etc/mncr/eligd.conf)
	$(if $(KIOSK),install -D -m 0755 $(KIOSK) $(DESTDIR)$(PREFIX)/bin/mncr-kiosk)
	$(if $(KIOSK),install -D -m 0644 userspace/kiosk/mncr-kiosk.desktop \
		$(DESTDIR)$(PREFIX)/share/applications/mncr-kiosk.desktop)
	$(if $(KIOSK),sed 's|@BINDIR@|$(PREFIX)/bin|' userspace/kiosk/mncr-kiosk.service \
		> $(DESTDIR)$(UNITDIR)/mncr-kiosk.service)
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/man/man1 userspace/cli/mncr.1 \
		userspace/sim/mncr-sim.1
	$(if $(SVC_SRC),install -D -m 0644 userspace/service/mncr-eligd.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/mncr-eligd.8)
	$(if $(KIOSK),install -D -m 0644 userspace/kiosk/mncr-kiosk.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/mncr-kiosk.1)
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/mncr/faces tests/faces/*.png
	for mo in $(MO:$(O)/%=%); do \
		install -D -m 0644 $(O)/$$mo $(DESTDIR)$(PREFIX)/share/$$mo || exit 1; done

# The Debian packages (debian/, Documentation in README.md): built from a
# clean copy in build/deb/, where the .debs stay; lintian must find no error.
deb:
	scripts/build-deb

# DESTDIR=DIR stages everything under DIR (no group, no udev reload).
install: all install-userspace
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) modules_install
	depmod -b $(or $(DESTDIR),/) $(KVER)
	$(if $(DESTDIR),,getent group mncr >/dev/null || groupadd --system mncr)
	$(if $(DESTDIR),,udevadm control --reload 2>/dev/null || true)
	$(if $(DESTDIR),,systemctl daemon-reload 2>/dev/null || true)
	$(if $(DESTDIR),,ldconfig)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/kmod clean
	rm -rf $(O)/tests $(O)/asan $(O)/pic $(O)/userspace $(O)/kiosk $(O)/bench $(O)/itest $(O)/locale \
		$(O)/gen $(O)/$(O) \
		$(O)/stage $(O)/examples $(LIB) $(LIB_EMUL) $(LIB_SO) $(O)/libmncr.so* $(PROGRAMS)

# The header dependencies -MMD wrote next to each object. An object built
# before there were .d files has none: it is built again, once.
ALL_SRC := $(LIB_SRC) $(EMUL_SRC) $(CLI_SRC) $(SIM_SRC) $(SVC_SRC) $(UNIT_SRC) $(BENCH_SRC) $(ITEST_SRC)
ALL_OBJ := $(ALL_SRC:%.c=$(O)/%.o) $(ALL_SRC:%.c=$(O)/asan/%.o) $(LIB_SRC:%.c=$(O)/pic/%.o)
# Every object may include the generated header: made first.
$(ALL_OBJ): | $(ONNX_PB).h
$(foreach o,$(wildcard $(ALL_OBJ)),$(if $(wildcard $(o:.o=.d)),,$(eval $(o): FORCE)))
.PHONY: FORCE
FORCE:
# Objects are kept, also those make would take for intermediate ones (a
# unit test's), so the next build compiles only what changed.
.SECONDARY: $(ALL_OBJ)
-include $(wildcard $(ALL_OBJ:.o=.d))
KIOSK_OBJ := $(KIOSK_SRC:userspace/kiosk/%.c=$(O)/kiosk/%.o)
.SECONDARY: $(KIOSK_OBJ)
-include $(wildcard $(KIOSK_OBJ:.o=.d))
