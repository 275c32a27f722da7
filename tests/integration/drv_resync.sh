#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: the driver and the reader never disagree about the mode. For every
# fault the simulator has, applied to SET_MODE VISUAL and to SET_MODE AUTO,
# and to the lease's own reverts (timeout, card removal, holder close), the
# reader's own mode (mncr-sim ctl status) ends in auto, like the driver's,
# and a later lease works. The time each recovery took is printed as a
# figure. Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_resync.sh
# vm-timeout: 900
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup
R_RESYNC=8

node=$(plug R1 --card pin) || { fail plug "no node for R1"; drv_finish; exit; }
log=$tmp/audit.log
build/mncr events --audit --file "$log" >/dev/null 2>&1 &
audit_pid=$!
echo $audit_pid >>"$tmp/pids"

# both_auto: the driver (sysfs) and the reader itself say auto.
both_auto() {
	node=$(node_of R1) && attr_is "$node" mode auto &&
		[ "$(sim_status R1 mode)" = auto ]
}

# settled NAME T0: both say auto within 15 s of T0 (ns); prints the time.
settled() {
	local dt
	if wait_for 15 both_auto; then
		dt=$((($("$TOOL" now) - $2) / 1000000))
		echo "figure: $1 settled in auto after $dt ms"
		pass "$1_settled"
	else
		fail "$1_settled" "driver $(sysattr "$node" mode 2>/dev/null), reader $(sim_status R1 mode)"
	fi
}

# lease_works NAME: a detached lease reaches the reader, AUTO ends it there.
lease_works() {
	node=$(node_of R1) || { fail "$1_lease_after" "no node"; return; }
	expect "$1_lease_after" "ok visual visual" \
		"$(errno_of "$TOOL" setmode "$node" visual 20000 detach) $(sysattr "$node" mode) $(sim_status R1 mode)"
	expect "$1_auto_after" "ok auto auto" \
		"$(errno_of "$TOOL" setmode "$node" auto) $(sysattr "$node" mode) $(sim_status R1 mode)"
}

# replug: a reader that went away (or was reset and refused) comes back.
replug() {
	ctl R1 fault none >/dev/null
	ctl R1 delay 0 >/dev/null
	ctl R1 unplug >/dev/null
	ctl R1 plug >/dev/null
	udevadm settle -t 20 2>/dev/null
	wait_for 20 node_of R1 && node=$(node_of R1)
}

# visual_fault KIND WANT: SET_MODE VISUAL with KIND on its answer fails
# with WANT; both end in auto.
visual_fault() {
	local t0
	ctl R1 fault "$1" 1 >/dev/null
	t0=$("$TOOL" now)
	expect "$1_visual_fails" "$2" "$(errno_of "$TOOL" setmode "$node" visual 60000 detach)"
	settled "$1_visual" "$t0"
	ctl R1 fault none >/dev/null
}

# auto_fault KIND: with a detached lease, SET_MODE AUTO with KIND on its
# answer still ends in auto on both sides, confirmed (the call returns 0).
auto_fault() {
	local t0
	expect "$1_auto_lease" ok "$(errno_of "$TOOL" setmode "$node" visual 60000 detach)"
	ctl R1 fault "$1" 1 >/dev/null
	t0=$("$TOOL" now)
	expect "$1_auto_confirmed" ok "$(errno_of "$TOOL" setmode "$node" auto)"
	settled "$1_auto" "$t0"
	ctl R1 fault none >/dev/null
}

for k in silence:ETIMEDOUT zlp:ETIMEDOUT garbage:EPROTO short:EPROTO \
	 stall:EPROTO badseq:EPROTO badmagic:EPROTO trailing:EPROTO \
	 overlong:EPROTO; do
	visual_fault "${k%%:*}" "${k##*:}"
	lease_works "${k%%:*}_visual"
	auto_fault "${k%%:*}"
	lease_works "${k%%:*}_auto"
done

# The answer to VISUAL lost: listeners hear the error and the resync.
bg_start ev "$TOOL" events "$node" 3000
ctl R1 fault silence 1 >/dev/null
"$TOOL" setmode "$node" visual 60000 detach >/dev/null 2>&1
bg_wait ev 30
if events_of ev | grep -qx "$EV_ERR 110 0" && events_of ev | grep -qx "$EV_MODE $R_RESYNC 0"; then
	pass silence_visual_events; else fail silence_visual_events "$(events_of ev | tr '\n' ';')"; fi
expect silence_visual_reader_told_resync $R_RESYNC "$(sim_status R1 last_reason)"

# mncr mode visual says where the reader is after the failure.
ctl R1 fault silence 1 >/dev/null
out=$(build/mncr mode visual 2>&1)
case $out in
*"cannot switch to visual"*"the reader is in auto mode"*) pass cli_mode_shows_recovery ;;
*) fail cli_mode_shows_recovery "$out" ;;
esac
expect cli_mode_after auto "$(build/mncr mode)"

# A stalled AUTO never ran: the resync itself switched the reader.
expect stall_auto_lease ok "$(errno_of "$TOOL" setmode "$node" visual 60000 detach)"
ctl R1 fault stall 1 >/dev/null
"$TOOL" setmode "$node" auto >/dev/null 2>&1
expect stall_auto_reader_told_resync "auto $R_RESYNC" "$(sim_status R1 mode) $(sim_status R1 last_reason)"

# late_answer NAME MODE WANT: the answer to SET_MODE MODE comes after the
# driver's 1 s timeout (the next answers on time); the call gives WANT.
late_answer() {
	local t0 undelay
	t0=$("$TOOL" now)
	ctl R1 delay 1500 >/dev/null
	(sleep 0.3; ctl R1 delay 0 >/dev/null) &
	undelay=$!
	expect "$1" "$3" "$(errno_of "$TOOL" setmode "$node" "$2" 60000 detach)"
	wait $undelay
	settled "${1%_*}" "$t0"
	lease_works "${1%_*}"
}

late_answer delay_visual_fails visual ETIMEDOUT
expect delay_auto_lease ok "$(errno_of "$TOOL" setmode "$node" visual 60000 detach)"
late_answer delay_auto_confirmed auto ok

# A reader that stops answering altogether is reset, which ends its visual
# mode; one that still does not answer then is refused (no node).
for k in silence delay; do
	resets=$(dmesg | grep -c 'resetting it to end visual mode')
	t0=$("$TOOL" now)
	if [ $k = delay ]; then ctl R1 delay 1500 >/dev/null; else ctl R1 fault silence >/dev/null; fi
	expect "${k}_forever_visual_fails" ETIMEDOUT "$(errno_of "$TOOL" setmode "$node" visual 60000 detach)"
	if wait_for 20 test "$(sim_status R1 mode)" = auto; then
		echo "figure: ${k}_forever reader in auto after $((($("$TOOL" now) - t0) / 1000000)) ms"
		pass "${k}_forever_reader_auto"
	else
		fail "${k}_forever_reader_auto" "reader $(sim_status R1 mode)"
	fi
	n=$(node_of R1) && ! attr_is "$n" mode auto && fail "${k}_forever_driver" "driver visual"
	expect "${k}_forever_reset_logged" $((resets + 1)) \
		"$(dmesg | grep -c 'resetting it to end visual mode')"
	replug || fail "${k}_forever_replug" "R1 did not come back"
	lease_works "${k}_forever"
done

# The reader loses power with the command: gone, and auto when it is back.
for m in visual auto; do
	[ $m = auto ] && "$TOOL" setmode "$node" visual 60000 detach >/dev/null
	ctl R1 fault disconnect 1 >/dev/null
	expect "disconnect_${m}_fails" ENODEV "$(errno_of "$TOOL" setmode "$node" $m)"
	expect "disconnect_${m}_reader_auto" auto "$(sim_status R1 mode)"
	replug || fail "disconnect_${m}_replug" "R1 did not come back"
	lease_works "disconnect_${m}"
done

# The lease's own reverts while the reader drops that one answer.
expect timeout_lease ok "$(errno_of "$TOOL" setmode "$node" visual 2000 detach)"
ctl R1 fault silence 1 >/dev/null
t0=$("$TOOL" now)
settled lease_timeout_silence "$t0"
lease_works lease_timeout_silence

expect card_lease ok "$(errno_of "$TOOL" setmode "$node" visual 60000 detach)"
ctl R1 fault silence 1 >/dev/null
t0=$("$TOOL" now)
ctl R1 remove >/dev/null
settled card_removed_silence "$t0"
ctl R1 insert >/dev/null
lease_works card_removed_silence

bg_start h "$TOOL" hold "$node" 60000
ctl R1 fault silence 1 >/dev/null
t0=$("$TOOL" now)
kill -9 "$(bg_pid h)"
settled holder_closed_silence "$t0"
lease_works holder_closed_silence

# The audit log (mncr events --audit) has the resyncs and the errors.
kill "$audit_pid" 2>/dev/null
wait "$audit_pid" 2>/dev/null
if grep -q '"reason":"resync"' "$log" && grep -q '"event":"device_error"' "$log"; then
	pass audit_log_resync; else fail audit_log_resync "$(tail -3 "$log")"; fi
build/mncr log --file "$log" verify >/dev/null && pass audit_log_intact ||
	fail audit_log_intact "log verify failed"
drv_finish
