#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: every ioctl with good and bad input (build/itest/drv_ioctl),
# permissions, CARD_FRONT. Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_ioctl.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup

node=$(plug I1 --card pin) || { fail plug "no node for I1"; drv_finish; exit; }

build/itest/drv_ioctl "$node" || true

# --- CARD_FRONT ---
ctl I1 insert pin --front 19990101,2031,0042 >/dev/null
wait_for 5 attr_is "$node" card_present 1
expect card_front_values "front=19990101,2031,0042" \
	"$("$TOOL" cardfront "$node" | grep '^front=')"
expect card_front_readonly_fd EBADF "$(errno_of "$TOOL" cardfront "$node" ro)"
if dmesg | grep -q -e 19990101 -e '2031,0042'; then
	fail card_front_not_logged "card-front digits in the kernel log"
else pass card_front_not_logged; fi
ctl I1 insert garbled >/dev/null
expect card_front_garbled EPROTO "$(errno_of "$TOOL" cardfront "$node")"
ctl I1 insert yank >/dev/null
expect card_front_yanked ENOMEDIUM "$(errno_of "$TOOL" cardfront "$node")"
ctl I1 remove >/dev/null
expect card_front_no_card ENOMEDIUM "$(errno_of "$TOOL" cardfront "$node")"
ctl I1 insert slow >/dev/null
expect card_front_slow_ok ok "$(errno_of "$TOOL" cardfront "$node")"

# --- SET_MODE needs a file opened for writing ---
expect set_mode_readonly_fd EBADF "$(errno_of "$TOOL" setmode "$node" visual 1000 ro)"
expect set_mode_rw_fd ok "$(errno_of "$TOOL" setmode "$node" visual 1000)"
# an unprivileged user in group mncr may use the node, others may not
expect group_member_info ok "$(errno_of setpriv --reuid=65534 --regid=65534 \
	--groups="$(getent group mncr | cut -d: -f3)" "$TOOL" info "$node")"
expect non_member_open EACCES "$(errno_of setpriv --reuid=65534 --regid=65534 \
	--clear-groups "$TOOL" info "$node")"

# --- MATCH falls back to the kernel without a device engine ---
ctl I1 engine off >/dev/null
out=$("$TOOL" match "$node" 64 1 8 device)
expect match_engine_off_falls_back 0x0 "$(kv flags "$out")"
ctl I1 engine on >/dev/null
out=$("$TOOL" match "$node" 64 1 8 device)
expect match_engine_on_device 0x10000 "$(kv flags "$out")"

# --- after unplug every ioctl is ENODEV, after the earlier checks ---
exec 3<>"$node"
exec 4<"$node"
quit_sim I1
wait_for 10 test ! -e "$node"
for a in info getmode cardfront; do
	expect "unplugged_$a" ENODEV "$(errno_of "$TOOL" "$a" fd:3)"
done
expect unplugged_setmode ENODEV "$(errno_of "$TOOL" setmode fd:3 visual)"
expect unplugged_match ENODEV "$(errno_of "$TOOL" match fd:3 16 1 1 kernel)"
expect unplugged_open ENOENT "$(errno_of "$TOOL" info "$node")"
expect unplugged_unknown_cmd_enotty ENOTTY "$(errno_of "$TOOL" badcmd fd:3)"
expect unplugged_readonly_setmode_ebadf EBADF "$(errno_of "$TOOL" setmode fd:4 visual)"
expect unplugged_readonly_cardfront_ebadf EBADF "$(errno_of "$TOOL" cardfront fd:4)"
expect unplugged_read0_einval EINVAL "$(errno_of "$TOOL" read0 fd:3)"
exec 3<&- 4<&-
drv_finish
