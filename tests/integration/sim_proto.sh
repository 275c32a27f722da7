#!/usr/bin/env bash
# The device protocol of a simulated reader, from the host side without
# the mncr driver (build/itest/sim_proto, libusb): every command, status,
# event and fault, plug and reset; then two readers talked to at once.
# Runs in the test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

PROTO=$BUILD/itest/sim_proto
if [ ! -x "$PROTO" ]; then
	fail "sim_proto built" "no $PROTO: make build/itest/sim_proto"
	finish
fi
out=$(mktemp -d)

bus_setup
"$SIM" --daemon --serial PROTO1 --firmware 1.0.0 || { fail "start PROTO1" "failed"; finish; }
"$PROTO" --serial PROTO1 --firmware 1.0.0
[ $? -eq 0 ] || FAILED=1

# Two readers at once: both talked to in parallel, each its own results.
"$SIM" --daemon --serial PROTO2 --firmware 3.1 || { fail "start PROTO2" "failed"; finish; }
"$PROTO" --serial PROTO1 --firmware 1.0.0 info match events >"$out/1" 2>&1 &
p1=$!
"$PROTO" --serial PROTO2 --firmware 3.1 info match events >"$out/2" 2>&1 &
p2=$!
wait "$p1"
s1=$?
wait "$p2"
s2=$?
sed 's/^\(PASS\|FAIL\): /\1: two readers: PROTO1: /' "$out/1"
sed 's/^\(PASS\|FAIL\): /\1: two readers: PROTO2: /' "$out/2"
check "two readers: PROTO1 run passes" test "$s1" -eq 0
check "two readers: PROTO2 run passes" test "$s2" -eq 0

rm -rf "$out"
finish
