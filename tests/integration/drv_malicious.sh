#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: a malicious reader. The simulator describes interface 0 wrongly
# (--descriptors: missing endpoints, wrong types and directions, tiny
# packets), answers with oversize, overlong and zero-length frames, and
# floods the interrupt endpoint with garbage, oversize, truncated or
# endless card events. The driver must refuse the reader or recover, and
# never stall a well-behaved reader's users. Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_malicious.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup

good=$(plug MG1 --card pin) || { fail plug "no node for MG1"; drv_finish; exit; }
bg_start r "$TOOL" blockread "$good"

# --- wrong descriptors: refused at probe, no node, the others unharmed ---
for kind in no-int no-endpoints no-bulk-in int-as-bulk int-out tiny-maxp; do
	before=$(dmesg | grep -cE 'missing bulk IN, bulk OUT or interrupt IN endpoint|unusable endpoint max packet size')
	if ! "$SIM" --daemon --serial MBAD --descriptors "$kind" \
		--log "$tmp/sim-MBAD.log" >/dev/null 2>&1; then
		fail "desc_${kind}_plugged" "the simulator did not start: $(tail -n 1 "$tmp/sim-MBAD.log")"
		continue
	fi
	echo MBAD >>"$tmp/serials"
	udevadm settle -t 20 2>/dev/null
	if node_of MBAD >/dev/null; then
		fail "desc_${kind}_refused" "the driver bound it: $(node_of MBAD)"
	else
		pass "desc_${kind}_refused"
	fi
	after=$(dmesg | grep -cE 'missing bulk IN, bulk OUT or interrupt IN endpoint|unusable endpoint max packet size')
	expect "desc_${kind}_says_why" 1 "$((after - before))"
	quit_sim MBAD
	wait_for 10 test ! -S /run/mncr-sim/MBAD.sock
done
expect desc_good_reader_still_works ok "$(errno_of "$TOOL" cardfront "$good")"

# --- malformed responses: an error, then the next command works ---
resp_fault() {	# resp_fault FAULT WANT
	ctl MG1 fault "$1" 1 >/dev/null
	expect "resp_$1" "$2" "$(errno_of "$TOOL" cardfront "$good")"
	expect "resp_$1_recovers" ok "$(errno_of "$TOOL" cardfront "$good")"
	ctl MG1 fault "$1" 1 >/dev/null
	expect "resp_$1_match" "$2" "$(errno_of "$TOOL" match "$good" 128 2 50 device)"
	expect "resp_$1_match_recovers" ok "$(errno_of "$TOOL" match "$good" 128 2 50 device)"
}
resp_fault trailing EPROTO
resp_fault overlong EPROTO
resp_fault zlp ETIMEDOUT

# --- event floods: absorbed, the reader and its neighbour keep working ---
other=$(plug MG2 --card pin) || { fail plug "no node for MG2"; drv_finish; exit; }
for kind in garbage oversize truncated; do
	m0=$(sysattr "$good" events_malformed)
	ctl MG1 evflood "$kind" >/dev/null
	sleep 1
	expect "flood_${kind}_commands_work" ok "$(errno_of "$TOOL" cardfront "$good")"
	# the neighbour's events arrive while the flood goes on
	bg_start w "$TOOL" wait "$other" "$EV_REM" 0 10000
	ctl MG2 remove >/dev/null
	if bg_wait w 15 && bg_out w | grep -q "^event type=$EV_REM "; then
		pass "flood_${kind}_neighbour_events"
	else
		fail "flood_${kind}_neighbour_events" "$(bg_out w | tail -n 1)"
	fi
	ctl MG2 insert pin >/dev/null
	ctl MG1 evflood stop >/dev/null
	m1=$(sysattr "$good" events_malformed)
	if [ "$m1" -gt "$m0" ]; then pass "flood_${kind}_counted"; else
		fail "flood_${kind}_counted" "events_malformed $m0 -> $m1"; fi
	# and the flooded reader's own events still flow
	bg_start w "$TOOL" wait "$good" "$EV_REM" 0 10000
	ctl MG1 remove >/dev/null
	if bg_wait w 15 && bg_out w | grep -q "^event type=$EV_REM "; then
		pass "flood_${kind}_events_after"
	else
		fail "flood_${kind}_events_after" "$(bg_out w | tail -n 1)"
	fi
	ctl MG1 insert pin >/dev/null
done

# an endless stream of well-formed card events: queues overflow, reported
bg_start lazy "$TOOL" lazy "$good" 3000
ctl MG1 evflood card >/dev/null
sleep 2
expect flood_card_commands_work ok "$(errno_of "$TOOL" info "$good")"
expect flood_card_neighbour_works ok "$(errno_of "$TOOL" cardfront "$other")"
ctl MG1 evflood stop >/dev/null
if bg_wait lazy 20 && bg_out lazy | grep -q "^event type=$EV_OVF "; then
	pass flood_card_overflow_reported
else
	fail flood_card_overflow_reported "no OVERFLOW record: $(bg_out lazy | tail -n 2 | tr '\n' ' ')"
fi
wait_for 10 attr_is "$good" card_present 1
expect flood_card_truth_last 1 "$(sysattr "$good" card_present)"

# unplugged in the middle of a flood, then plugged again
ctl MG1 evflood garbage >/dev/null
sleep 1
ctl MG1 unplug >/dev/null
if bg_wait r 20 && bg_out r | grep -q 'read errno=ENODEV'; then
	pass flood_unplug_wakes_reader; else
	fail flood_unplug_wakes_reader "$(bg_out r | tail -n 1)"; fi
ctl MG1 evflood stop >/dev/null
ctl MG1 plug >/dev/null
udevadm settle -t 20 2>/dev/null
if wait_for 20 node_of MG1; then
	expect flood_replug_works ok "$(errno_of "$TOOL" cardfront "$(node_of MG1)")"
else
	fail flood_replug_works "MG1 did not come back"
fi
kmemleak_check kmemleak_none
drv_finish
