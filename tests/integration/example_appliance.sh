#!/usr/bin/env bash
# examples/appliance.c in the test bed: the appliance built by make
# example (only <mncr/mncr.h>, pkg-config against a staged install-lib)
# runs one qualification on a simulated reader with the reference
# service: a PIN card in PIN mode (no camera, so no face pipeline under
# TCG), scripted answers piped to its stdin (never the PIN as an
# argument, which ps shows), the card taken out when the library says so.
# vm-timeout: 900
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/flow_lib.sh"

APPLIANCE=$BUILD/examples/appliance

if [ ! -x "$APPLIANCE" ]; then
	fail "example: $APPLIANCE built (make example)"
	finish
fi
check "example: links libmncr.so.0 (not the archive)" \
	sh -c "ldd '$APPLIANCE' | grep -q 'libmncr.so.0 => .*/stage/'"

if ! flow_start FLX --card pin; then
	fail "start: reader, PKI and mncr-eligd" "$(tail -n 3 "$FLOW"/*.log 2>/dev/null)"
	finish
fi

# appliance NAME ANSWER...: one run, the answers one a line on its stdin
# (none: stdin empty); stdout in $FLOW/NAME.txt, the transcript in
# $FLOW/NAME.out, the exit status in APP_RC.
appliance() {
	local name=$1 apid rpid
	shift
	: > "$FLOW/$name.out"
	# shellcheck disable=SC2046
	{ [ $# = 0 ] || printf '%s\n' "$@"; } |
		"$APPLIANCE" --reader FLX $(service_opts) --audit "$AUDIT" \
		--claim-dir "$FLOW" --models "$MODELS" --operator nurse01 \
		--wait 60 > "$FLOW/$name.txt" 2> "$FLOW/$name.out" &
	apid=$!
	remover "$FLOW/$name.out" &
	rpid=$!
	wait "$apid"
	APP_RC=$?
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	sim FLX remove > /dev/null 2>&1
}

sim FLX insert pin > /dev/null
appliance a1 pin 1234 yes no yes no
check "example: eligible, exit 0 (exit $APP_RC)" \
	sh -c "test $APP_RC = 0 && grep -qx 'outcome: eligible' '$FLOW/a1.txt'"
check "example: identity by PIN" grep -qx 'method: pin' "$FLOW/a1.txt"
check "example: the subscriber's 負担割合 from the service" grep -qx 'share: 030' "$FLOW/a1.txt"
check "example: mncr_version() is the library's" grep -q '^libmncr 0\.1\.0 ' "$FLOW/a1.txt"
check "example: the library's transcript reached the callback" \
	grep -q 'eligibility: answered' "$FLOW/a1.out"
# The PIN (1234) nowhere, times ("[  1.234]", "(1234 ms)") left aside.
sed -E 's/^\[[ 0-9.]+\]//; s/[0-9]+ ms//g' "$FLOW/a1.out" "$FLOW/a1.txt" > "$FLOW/a1.notimes"
check "example: the PIN is not in its output" lacks_number "$FLOW/a1.notimes" 1234
check "example: the PIN is not in the audit log" lacks_number "$AUDIT" 1234
session=$(sed -n 's/^session: //p' "$FLOW/a1.txt")
check "example: the session ($session) is in the audit log" \
	sh -c "test -n '$session' && grep -qF '\"session\":\"$session\"' '$AUDIT'"

# No line on stdin at the first question: cancel, exit 1, never eligible.
sim FLX insert pin > /dev/null
appliance a2
check "example: no answers: cancelled, exit 1 (exit $APP_RC)" \
	sh -c "test $APP_RC = 1 && grep -qx 'outcome: cancelled' '$FLOW/a2.txt'"

flow_stop
if [ "$FAILED" != 0 ]; then
	for f in "$FLOW"/a*.out "$FLOW"/a*.txt; do sed "s|^|# $(basename "$f"): |" "$f"; done
	tail -n 20 "$FLOW"/sim.log "$FLOW"/eligd.log 2>/dev/null | sed 's/^/# /'
fi
finish
