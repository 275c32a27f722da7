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
bus_setup() {
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	modprobe dummy_hcd num=4
	modprobe libcomposite
}

# plug SERIAL [mncr-sim options]: plugs a simulated reader and waits for
# udev to load the driver and name its node.
plug() {
	local serial=$1
	shift
	"$SIM" --daemon --serial "$serial" "$@" || return 1
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
