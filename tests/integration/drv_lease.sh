#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: the visual-mode lease and every way it ends. Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_lease.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup

node=$(plug L1 --card pin) || { fail plug "no node for L1"; drv_finish; exit; }
sysdir=/sys/class/mncr/${node##*/}

# got NAME TYPE REASON MODE: the background reader NAME saw that event.
got() {
	events_of "$1" | grep -qx "$2 $3 $4"
}

# mode_changes NAME: MODE_CHANGED records a background reader saw.
mode_changes() {
	events_of "$1" | awk '$1 == 3' | wc -l
}

last_time() {	# time_ns of the last event a background reader saw
	sed -n 's/.*time_ns=\([0-9]*\).*/\1/p' "$tmp/$1.out" | tail -n 1
}

auto_again() {
	wait_for 5 attr_is "$node" mode auto
}

# --- request, busy, renew, AUTO by another writer ---
bg_start w "$TOOL" wait "$node" $EV_MODE $R_REQUEST 20000
bg_start h "$TOOL" hold "$node" 30000
if bg_wait w 20 && got w $EV_MODE $R_REQUEST 1; then pass visual_request_event; else
	fail visual_request_event "$(bg_out w | tail -3)"; fi
expect visual_sysfs visual "$(cat "$sysdir/mode")"
expect visual_device_mode visual "$(sim_status L1 mode)"
expect visual_device_reason $R_REQUEST "$(sim_status L1 last_reason)"
out=$("$TOOL" getmode "$node")
r=$(kv remaining_ms "$out")
if [ "$(kv mode "$out")" = 1 ] && [ "$r" -gt 0 ] && [ "$r" -le 30000 ]; then
	pass get_mode_remaining; else fail get_mode_remaining "$out"; fi
expect visual_info_mode 1 "$(kv mode "$("$TOOL" info "$node")")"
expect visual_other_file_busy EBUSY "$(errno_of "$TOOL" setmode "$node" visual 5000)"
expect visual_other_file_busy_detach EBUSY "$(errno_of "$TOOL" setmode "$node" visual 5000 detach)"
expect visual_readonly_auto EBADF "$(errno_of "$TOOL" setmode "$node" auto 0 ro)"
bg_start w "$TOOL" wait "$node" $EV_MODE $R_REQUEST 20000
expect auto_by_other_writer ok "$(errno_of "$TOOL" setmode "$node" auto)"
if bg_wait w 20 && got w $EV_MODE $R_REQUEST 0; then pass auto_request_event; else
	fail auto_request_event "$(bg_out w | tail -3)"; fi
expect auto_request_sysfs auto "$(cat "$sysdir/mode")"
expect auto_request_device "auto $R_REQUEST" "$(sim_status L1 mode) $(sim_status L1 last_reason)"
# the old holder closing now changes nothing
bg_start e "$TOOL" events "$node" 1500
kill -9 "$(bg_pid h)"
bg_wait e 20
expect old_holder_close_no_event 0 "$(mode_changes e)"

out=$("$TOOL" renew "$node" 3000 20000)
f=$(kv first_remaining_ms "$out") s=$(kv second_remaining_ms "$out")
if [ -n "$f" ] && [ "$f" -le 3000 ] && [ "$s" -gt 3000 ] && [ "$s" -le 20000 ]; then
	pass renew_same_file; else fail renew_same_file "$out"; fi
auto_again && pass renew_holder_closed || fail renew_holder_closed "still visual"

# --- holder killed with SIGKILL: AUTO within 1 s ---
bg_start h "$TOOL" hold "$node" 60000
bg_start w "$TOOL" wait "$node" $EV_MODE $R_HOLDER 20000
t0=$("$TOOL" now)
kill -9 "$(bg_pid h)"
if bg_wait w 20 && got w $EV_MODE $R_HOLDER 0; then
	dt=$((($(last_time w) - t0) / 1000000))
	if [ "$dt" -lt 1000 ]; then pass holder_kill9_within_1s; else
		fail holder_kill9_within_1s "${dt} ms"; fi
else
	fail holder_kill9_within_1s "no HOLDER_CLOSED event: $(bg_out w | tail -2)"
fi
expect holder_kill9_device "auto $R_HOLDER" "$(sim_status L1 mode) $(sim_status L1 last_reason)"

# --- holder closes normally ---
bg_start w "$TOOL" wait "$node" $EV_MODE $R_HOLDER 20000
"$TOOL" hold "$node" 60000 close >/dev/null
if bg_wait w 20 && got w $EV_MODE $R_HOLDER 0; then pass holder_close; else
	fail holder_close "$(bg_out w | tail -2)"; fi

# --- timeout: default from sysfs, explicit, module cap ---
echo 1500 >"$sysdir/visual_timeout_ms"
bg_start w "$TOOL" wait "$node" $EV_MODE $R_TIMEOUT 20000
t0=$("$TOOL" now)
bg_start h "$TOOL" hold "$node" 0
if bg_wait w 20 && got w $EV_MODE $R_TIMEOUT 0; then
	dt=$((($(last_time w) - t0) / 1000000))
	if [ "$dt" -ge 1400 ] && [ "$dt" -lt 6000 ]; then pass timeout_default; else
		fail timeout_default "reverted after ${dt} ms, want ~1500"; fi
else
	fail timeout_default "no TIMEOUT event: $(bg_out w | tail -2)"
fi
expect timeout_device "auto $R_TIMEOUT" "$(sim_status L1 mode) $(sim_status L1 last_reason)"
bg_start e "$TOOL" events "$node" 1500
kill -9 "$(bg_pid h)"
bg_wait e 20
expect timeout_then_close_no_event 0 "$(mode_changes e)"

bg_start w "$TOOL" wait "$node" $EV_MODE $R_TIMEOUT 20000
t0=$("$TOOL" now)
bg_start h "$TOOL" hold "$node" 800
if bg_wait w 20 && got w $EV_MODE $R_TIMEOUT 0; then
	dt=$((($(last_time w) - t0) / 1000000))
	if [ "$dt" -ge 700 ] && [ "$dt" -lt 5000 ]; then pass timeout_explicit; else
		fail timeout_explicit "reverted after ${dt} ms, want ~800"; fi
else
	fail timeout_explicit "no TIMEOUT event"
fi
kill -9 "$(bg_pid h)"
echo 2000 >/sys/module/mncr/parameters/max_visual_timeout_ms
out=$("$TOOL" renew "$node" 600000 600000)
s=$(kv second_remaining_ms "$out")
if [ -n "$s" ] && [ "$s" -le 2000 ]; then pass timeout_capped_by_param; else
	fail timeout_capped_by_param "$out"; fi
echo 600000 >/sys/module/mncr/parameters/max_visual_timeout_ms
echo 120000 >"$sysdir/visual_timeout_ms"
auto_again

# --- card removed ends the card session's lease ---
bg_start h "$TOOL" hold "$node" 60000
bg_start w "$TOOL" wait "$node" $EV_MODE $R_CARD 20000
ctl L1 remove >/dev/null
if bg_wait w 20 && got w $EV_REM 0 1 && got w $EV_MODE $R_CARD 0; then
	pass card_removed_reverts; else fail card_removed_reverts "$(bg_out w | tail -3)"; fi
expect card_removed_device "auto $R_CARD" "$(sim_status L1 mode) $(sim_status L1 last_reason)"
kill -9 "$(bg_pid h)"
# visual taken with no card: the next card session ends it
bg_start h "$TOOL" hold "$node" 60000
ctl L1 insert pin >/dev/null
sleep 1
expect no_card_lease_survives_insert visual "$(cat "$sysdir/mode")"
bg_start w "$TOOL" wait "$node" $EV_MODE $R_CARD 20000
ctl L1 remove >/dev/null
if bg_wait w 20 && got w $EV_MODE $R_CARD 0; then pass next_session_end_reverts; else
	fail next_session_end_reverts "$(bg_out w | tail -3)"; fi
kill -9 "$(bg_pid h)"
ctl L1 insert pin >/dev/null

# --- DETACH: survives close, timeout still applies, others may take over ---
"$TOOL" hold "$node" 60000 detach close >/dev/null
sleep 1
expect detach_survives_close visual "$(cat "$sysdir/mode")"
expect detach_flag 1 "$(kv flags "$("$TOOL" getmode "$node")")"
expect detach_takeover ok "$(errno_of "$TOOL" setmode "$node" visual 60000)"
auto_again && pass detach_takeover_then_close || fail detach_takeover_then_close "still visual"
bg_start w "$TOOL" wait "$node" $EV_MODE $R_TIMEOUT 20000
"$TOOL" hold "$node" 1000 detach close >/dev/null
if bg_wait w 20 && got w $EV_MODE $R_TIMEOUT 0; then pass detach_timeout; else
	fail detach_timeout "$(bg_out w | tail -2)"; fi

# --- the device changes mode itself ---
bg_start w "$TOOL" wait "$node" $EV_MODE $R_DEVICE 20000
ctl L1 mode visual >/dev/null
if bg_wait w 20 && got w $EV_MODE $R_DEVICE 1; then pass device_visual_mirrored; else
	fail device_visual_mirrored "$(bg_out w | tail -2)"; fi
expect device_visual_sysfs visual "$(cat "$sysdir/mode")"
r=$(kv remaining_ms "$("$TOOL" getmode "$node")")
if [ "${r:-0}" -gt 0 ]; then pass device_visual_has_timeout; else
	fail device_visual_has_timeout "remaining $r"; fi
bg_start w "$TOOL" wait "$node" $EV_MODE $R_DEVICE 20000
ctl L1 mode auto >/dev/null
if bg_wait w 20 && got w $EV_MODE $R_DEVICE 0; then pass device_auto_mirrored; else
	fail device_auto_mirrored "$(bg_out w | tail -2)"; fi

# --- the revert command fails: driver AUTO anyway, DEVICE_ERROR ---
bg_start h "$TOOL" hold "$node" 60000
ctl L1 fault garbage 1 >/dev/null
bg_start w "$TOOL" wait "$node" $EV_ERR 0 20000
kill -9 "$(bg_pid h)"
if bg_wait w 20 && got w $EV_MODE $R_HOLDER 0 && got w $EV_ERR 71 0; then
	pass revert_failure_device_error; else
	fail revert_failure_device_error "$(bg_out w | tail -3)"; fi
expect revert_failure_sysfs auto "$(cat "$sysdir/mode")"
ctl L1 fault none >/dev/null
expect revert_failure_recovers ok "$(errno_of "$TOOL" setmode "$node" visual 1000)"

# --- system sleep: the PM notifier ends the lease before tasks freeze ---
# pm_test=freezer runs the suspend notifiers and freezes tasks, but does not
# suspend devices: with pm_test=devices the guest's virtio-9p root does not
# come back under TCG, so the USB .suspend/.resume callbacks are not
# exercised here.
if grep -qw freezer /sys/power/pm_test 2>/dev/null && grep -qw freeze /sys/power/state; then
	bg_start h "$TOOL" hold "$node" 60000
	bg_start e "$TOOL" events "$node" 15000
	echo freezer >/sys/power/pm_test
	if echo freeze >/sys/power/state; then pass suspend_cycle; else
		fail suspend_cycle "echo freeze failed"; fi
	echo none >/sys/power/pm_test
	expect suspend_reverts_sysfs auto "$(cat "$sysdir/mode")"
	expect suspend_device_reason "auto $R_SUSPEND" "$(sim_status L1 mode) $(sim_status L1 last_reason)"
	ctl L1 remove >/dev/null
	ctl L1 insert pin >/dev/null
	bg_wait e 30
	if got e $EV_MODE $R_SUSPEND 0; then pass suspend_event; else
		fail suspend_event "$(bg_out e | tail -3)"; fi
	if got e $EV_REM 0 0 && got e $EV_INS 0 0; then pass events_after_suspend; else
		fail events_after_suspend "$(bg_out e | tail -3)"; fi
	expect ioctl_after_suspend ok "$(errno_of "$TOOL" cardfront "$node")"
	kill -9 "$(bg_pid h)"
else
	echo "drv_lease: no pm_test freezer in this kernel: suspend not tested"
fi

# --- unplug ends the lease; blocked reader sees UNPLUG, then ENODEV ---
auto_again
bg_start h "$TOOL" hold "$node" 60000
bg_start r "$TOOL" blockread "$node"
ctl L1 unplug >/dev/null
if bg_wait r 20 && got r $EV_MODE $R_UNPLUG 0 && bg_out r | grep -q 'read errno=ENODEV'; then
	pass unplug_reverts_then_enodev; else
	fail unplug_reverts_then_enodev "$(bg_out r | tail -3)"; fi
kill -9 "$(bg_pid h)"
ctl L1 plug >/dev/null
udevadm settle -t 20 2>/dev/null
if wait_for 20 node_of L1; then
	n2=$(node_of L1)
	expect replug_mode_auto auto "$(sysattr "$n2" mode)"
	expect replug_device_mode auto "$(sim_status L1 mode)"
else
	fail replug_mode_auto "L1 did not come back"
fi
drv_finish
