# shellcheck shell=bash
# Helpers for integration tests that run inside the test bed's guest
# (tests/vm/run -- tests/integration/NAME.sh). Each case prints one line,
# "PASS: name" or "FAIL: name (why)"; finish exits non-zero after a failure.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$REPO/build
MNCR=$BUILD/mncr
SIM=$BUILD/mncr-sim
FAILED=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 (${2:-})"; FAILED=1; }

# check NAME CMD...: passes when CMD succeeds.
check() {
	local name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "failed: $*"; fi
}

# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds.
wait_for() {
	local deadline=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# lacks_number FILE NUMBER...: true when no NUMBER stands alone in FILE.
# A number inside a longer run of hex digits (a SHA-256 field, a serial)
# is there by chance and is not a leak.
lacks_number() {
	local file=$1 alt
	shift
	alt=$(IFS='|'; echo "$*")
	! grep -Eq "(^|[^0-9a-fA-F])($alt)(\$|[^0-9a-fA-F])" "$file"
}

# The simulated USB bus: four dummy UDC/HCD pairs for up to four readers.
# MNCR_SIM_GADGET=gadgetfs plugs readers as one GadgetFS device each (UVC
# camera; one per system) instead of configfs gadgets.
bus_setup() {
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	modprobe dummy_hcd num=4
	modprobe libcomposite
	if [ "${MNCR_SIM_GADGET:-}" = gadgetfs ]; then
		modprobe gadgetfs
		uvc_quirk
	fi
}

# dummy_hcd_fixed: the running kernel's dummy_hcd has the two fixes a
# GadgetFS reader needs: "prevent fifo_req reuse during giveback" (6.1.183,
# 6.12.101) and "Fix wait for outstanding request completions" (6.1.191,
# 6.12.113). Without them a small IN request's completion can run after
# the shared FIFO request was reused or the gadget unbound: slab memory
# is corrupted (Debian 12's 6.12.95 backport died so at an unplug; see
# Documentation/testbed.rst). Debian's uname -v holds the upstream version
# (uname -r of 6.1 says 6.1.0-N); a kernel built from source has it in -r.
dummy_hcd_fixed() {
	local v
	v=$(uname -v | sed -n 's/.*Debian \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
	[ -n "$v" ] || v=$(uname -r | sed -n 's/^\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
	case $v in
	6.1.*) [ "${v#6.1.}" -ge 191 ] ;;
	6.12.*) [ "${v#6.12.}" -ge 113 ] ;;
	*) return 1 ;;
	esac
}

# gadgetfs_or_skip: a suite that needs the GadgetFS reader skips (exit 0)
# where dummy_hcd_fixed says the kernel would corrupt memory under it.
gadgetfs_or_skip() {
	dummy_hcd_fixed && return 0
	echo "SKIP: $(uname -r)'s dummy_hcd lacks the fixes a GadgetFS reader needs (Documentation/testbed.rst)"
	exit 0
}

# pcscd_opts: --disable-polkit where pcscd has it (Debian 13's): the
# guest runs no D-Bus, and a pcscd that cannot ask polkit refuses every
# client.
pcscd_opts() {
	pcscd --help 2>&1 | grep -q -- --disable-polkit && echo --disable-polkit
}

# uvc_quirk: dummy_hcd completes a control-OUT data stage before GadgetFS
# hands it to the simulator, and uvcvideo's next request can overtake it;
# delaying the host's control messages (USB_QUIRK_DELAY_CTRL_MSG, 'n')
# for the simulator's VID:PID gives it time. A real reader answers in
# hardware and needs nothing of the kind.
uvc_quirk() {
	echo "1209:0001:n" >/sys/module/usbcore/parameters/quirks
}

# node_open PID: waits until process PID has a reader node open. An open
# file's event queue starts at open, so a follower started in the
# background sees what comes after this, not after a fixed sleep (a busy
# guest or the debug kernel took longer than 0.3 s to get there).
node_open() {
	wait_for 20 sh -c "ls -l /proc/$1/fd 2>/dev/null | grep -q /dev/mncr"
}

# plug SERIAL [mncr-sim options]: plugs a simulated reader and waits for
# udev to load the driver and name its node.
plug() {
	local serial=$1
	shift
	"$SIM" --daemon --serial "$serial" \
		${MNCR_SIM_GADGET:+--gadget "$MNCR_SIM_GADGET"} "$@" || return 1
	wait_for 10 test -e "/dev/mncr/by-serial/$serial"
}

# sim SERIAL COMMAND...: drives a simulated reader.
sim() {
	local serial=$1
	shift
	"$SIM" ctl --serial "$serial" "$@"
}

# node SERIAL: the reader's /dev/mncrN.
node() { readlink -f "/dev/mncr/by-serial/$1"; }

# capture_cut WHAT DIR SOURCE CUT...: a long `mncr capture SOURCE` (SOURCE
# word-split: "--reader S", "--video /dev/videoN") loses its camera to the
# command CUT 2 s after it opened the camera. It must end within 10 s
# with exit status 3, saying the camera is gone, and leave no file in DIR.
capture_cut() {
	local what=$1 dir=$2 source=$3 pid rc
	shift 3
	# shellcheck disable=SC2086 # SOURCE is an option and its value
	"$MNCR" capture $source --frames 100000 -o "$dir/cut.pgm" 2>"$dir/err" &
	pid=$!
	# Streaming first (a debug kernel takes seconds to start it): the
	# camera's node open, then a moment of frames.
	wait_for 30 sh -c "ls -l /proc/$pid/fd 2>/dev/null | grep -qE '/dev/video|/dev/bus/usb'"
	sleep 2
	"$@" >/dev/null
	wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
	check "capture ends within 10 s of the $what" sh -c "! kill -0 $pid 2>/dev/null"
	kill "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	check "capture exits 3 (camera gone) on the $what (got $rc)" test "$rc" -eq 3
	check "the error says the camera is gone ($(head -c 200 "$dir/err"))" \
		grep -q "gone" "$dir/err"
	check "no frame file left by the cut capture" test ! -e "$dir/cut.pgm"
}

unplug_all() {
	local sock
	for sock in /run/mncr-sim/*.sock; do
		[ -S "$sock" ] && "$SIM" ctl --socket "$sock" quit >/dev/null 2>&1
	done
	return 0
}

finish() {
	unplug_all
	exit "$FAILED"
}
