#!/usr/bin/env bash
# The simulated reader's CCID slot from the host (build/itest/card_ccid
# over libusb; the mncr driver keeps to interface 0): power, ATR, the JPKI
# certificate through apdu.h, PIN tries without spending one, slot-change
# notifications, and the slow, yank and garbled cards. Runs in the test
# bed guest.
set -u
. "$(dirname "$0")/lib.sh"

T=$BUILD/itest/card_ccid
if [ ! -x "$T" ]; then
	fail "card_ccid built" "no $T: make build/itest/card_ccid"
	finish
fi

# scenario SERIAL SCENARIO [mncr-sim options]: one reader, one run.
scenario() {
	local serial=$1 name=$2
	shift 2
	if ! "$SIM" --daemon --serial "$serial" "$@"; then
		fail "$name: start mncr-sim $*" "failed"
		return
	fi
	"$T" --serial "$serial" "$name" | sed "s/^\(PASS\|FAIL\): /\1: $name: /"
	[ "${PIPESTATUS[0]}" -eq 0 ] || FAILED=1
	sim "$serial" quit >/dev/null
}

bus_setup
scenario CC1 basic --card pin
scenario CC2 slow --card slow
scenario CC3 yank --card yank
scenario CC4 garbled --card garbled
scenario CC5 absent

# Removal and insertion through the control socket while the host listens.
if "$SIM" --daemon --serial CC6 --card pin; then
	out=$(mktemp)
	"$T" --serial CC6 removal >"$out" &
	pid=$!
	sleep 1
	sim CC6 remove >/dev/null
	sleep 1
	sim CC6 insert pin >/dev/null
	wait "$pid" || FAILED=1
	sed 's/^\(PASS\|FAIL\): /\1: removal: /' "$out"
	rm -f "$out"
	sim CC6 quit >/dev/null
else
	fail "removal: start mncr-sim" "failed"
fi
finish
