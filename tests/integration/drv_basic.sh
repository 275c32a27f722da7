#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: autoload, node, udev, sysfs, INFO, several readers, unplug and
# module unload. Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_basic.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup

# --- autoload by modalias on plug ---
if grep -q '^mncr ' /proc/modules; then
	fail autoload_not_preloaded "mncr already loaded before any plug"
fi
if ! node=$(plug B1 --card pin --firmware 2.5.1); then
	fail autoload_on_plug "no /dev/mncrN after plugging"
	drv_finish
	exit
fi
if grep -q '^mncr ' /proc/modules; then pass autoload_on_plug; else
	fail autoload_on_plug "module not loaded"; fi
intf=$(readlink -f "/sys/class/mncr/${node##*/}/device")
case $(cat "$intf/modalias") in
*v1209p0001*icFFisc00ip00in00) pass modalias_interface0 ;;
*) fail modalias_interface0 "$(cat "$intf/modalias")" ;;
esac
expect bound_to_interface0 "mncr" "$(basename "$(readlink "$intf/driver")")"

# --- node ---
if ! getent group mncr >/dev/null; then
	fail node_group "group mncr does not exist in the guest"
else
	expect node_group_mode "mncr 660" "$(stat -c '%G %a' "$node")"
fi
expect node_is_chardev "character special file" "$(stat -c %F "$node")"
expect by_serial_symlink "$node" "$(readlink -f /dev/mncr/by-serial/B1)"

# --- sysfs ---
expect sysfs_mode auto "$(sysattr "$node" mode)"
expect sysfs_serial B1 "$(sysattr "$node" serial)"
expect sysfs_firmware 2.5.1 "$(sysattr "$node" firmware)"
expect sysfs_card_present 1 "$(sysattr "$node" card_present)"
expect sysfs_protocol_version 1 "$(sysattr "$node" protocol_version)"
expect sysfs_capabilities "0x00000003 match_engine card_front" \
	"$(sysattr "$node" capabilities)"
expect sysfs_visual_timeout_default 120000 "$(sysattr "$node" visual_timeout_ms)"
expect sysfs_visual_timeout_perm 644 \
	"$(stat -c %a "/sys/class/mncr/${node##*/}/visual_timeout_ms")"
expect sysfs_mode_perm 444 "$(stat -c %a "/sys/class/mncr/${node##*/}/mode")"
echo 5000 >"/sys/class/mncr/${node##*/}/visual_timeout_ms"
expect sysfs_visual_timeout_write 5000 "$(sysattr "$node" visual_timeout_ms)"
if echo 0 >"/sys/class/mncr/${node##*/}/visual_timeout_ms" 2>/dev/null; then
	fail sysfs_visual_timeout_zero "0 accepted"
else pass sysfs_visual_timeout_zero; fi
if echo 999999999 >"/sys/class/mncr/${node##*/}/visual_timeout_ms" 2>/dev/null; then
	fail sysfs_visual_timeout_over_cap "value over max_visual_timeout_ms accepted"
else pass sysfs_visual_timeout_over_cap; fi
if echo 5000 | setpriv --reuid=65534 --regid=65534 --clear-groups \
	tee "/sys/class/mncr/${node##*/}/visual_timeout_ms" >/dev/null 2>&1; then
	fail sysfs_visual_timeout_root_only "nobody could write"
else pass sysfs_visual_timeout_root_only; fi
expect module_param_cap 600000 "$(cat /sys/module/mncr/parameters/max_visual_timeout_ms)"

# --- sysfs device link: the USB interface, whose parent is the device ---
case $intf in
*:1.0) pass device_link_interface ;;
*) fail device_link_interface "$intf" ;;
esac
expect device_link_parent "1209 0001" \
	"$(cat "$intf/../idVendor") $(cat "$intf/../idProduct")"
expect device_link_serial B1 "$(cat "$intf/../serial")"

# --- INFO ---
info=$("$TOOL" info "$node")
expect info_abi 1 "$(kv abi_version "$info")"
expect info_proto 1 "$(kv proto_version "$info")"
expect info_caps 0x3 "$(kv caps "$info")"
expect info_mode 0 "$(kv mode "$info")"
expect info_card 1 "$(kv card_present "$info")"
expect info_timeout 5000 "$(kv visual_timeout_ms "$info")"
expect info_max_dim 512 "$(kv match_max_dim "$info")"
expect info_max_scores 65536 "$(kv match_max_scores "$info")"
expect info_serial B1 "$(kv serial "$info")"
expect info_firmware 2.5.1 "$(kv firmware "$info")"
expect info_reserved_zero "" "$(kv reserved_nonzero "$info")"
expect info_readonly_open ok "$(errno_of "$TOOL" info "$node")"

# --- card state follows the device ---
ctl B1 remove >/dev/null
wait_for 5 attr_is "$node" card_present 0 &&
	pass card_present_follows_remove || fail card_present_follows_remove "still 1"
ctl B1 insert pinless >/dev/null
wait_for 5 attr_is "$node" card_present 1 &&
	pass card_present_follows_insert || fail card_present_follows_insert "still 0"

# --- four readers at once ---
ok=1
nodes="$node"
for s in B2 B3 B4; do
	if ! n=$(plug "$s"); then
		fail four_readers "plug $s"
		ok=0
		continue
	fi
	nodes="$nodes $n"
	expect "by_serial_$s" "$n" "$(readlink -f "/dev/mncr/by-serial/$s")"
	expect "info_serial_$s" "$s" "$(kv serial "$("$TOOL" info "$n")")"
done
distinct=$(printf '%s\n' $nodes | sort -u | wc -l)
if [ "$ok" = 1 ] && [ "$distinct" = 4 ]; then pass four_readers; else
	fail four_readers "nodes: $nodes"; fi

# --- unplug: node and link go, an open fd stays valid until closed ---
n4=$(node_of B4)
exec 3<"$n4"
quit_sim B4
wait_for 10 test ! -e "$n4" && pass unplug_removes_node || fail unplug_removes_node "$n4 still there"
[ ! -e /dev/mncr/by-serial/B4 ] && pass unplug_removes_symlink || fail unplug_removes_symlink "still there"
expect open_fd_after_unplug_info ENODEV "$(errno_of "$TOOL" info fd:3)"
expect open_fd_after_unplug_read ENODEV "$(kv 'read errno' "$("$TOOL" blockread fd:3 | tr -d '\r')" | head -1)"
# the minor stays taken while fd 3 is open: a new reader gets another one
if n5=$(plug B5 --no-match-engine); then
	if [ "$n5" != "$n4" ]; then pass minor_kept_until_close; else
		fail minor_kept_until_close "$n5 reused while still open"; fi
	expect no_engine_caps "0x00000002 card_front" "$(sysattr "$n5" capabilities)"
	quit_sim B5
else
	fail minor_kept_until_close "plug B5"
fi
exec 3<&-

# --- re-plug after unplug ---
ctl B3 unplug >/dev/null
n3=$(node_of B3 || true)
wait_for 10 sh -c "! ls /sys/class/mncr/*/serial | xargs grep -lx B3" ||
	fail replug_unplugged "B3 still bound"
ctl B3 plug >/dev/null
udevadm settle -t 20 2>/dev/null
if wait_for 20 node_of B3; then
	n3=$(node_of B3)
	expect replug_info "B3" "$(kv serial "$("$TOOL" info "$n3")")"
else
	fail replug_info "B3 did not come back"
fi

# --- module unload once every reader is gone ---
quit_all
wait_for 10 sh -c '! ls /dev/mncr[0-9]* 2>/dev/null' || fail all_nodes_gone "$(ls /dev/mncr*)"
if modprobe -r mncr; then pass module_unload; else fail module_unload "modprobe -r failed"; fi
[ ! -e /sys/class/mncr ] && pass class_removed || fail class_removed "/sys/class/mncr still there"
drv_finish
