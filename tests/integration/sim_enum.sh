#!/usr/bin/env bash
# mncr-sim as a USB device: what the host enumerates (identity, interface
# 0, endpoints), several readers at once, every way an instance ends, and
# the start-up errors. Runs in the test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

GADGETS=/sys/kernel/config/usb_gadget
RUN=/run/mncr-sim
log=$(mktemp)

# usbdev SERIAL: the host's USB device directory of a reader.
usbdev() {
	local f
	for f in /sys/bus/usb/devices/*/serial; do
		[ -e "$f" ] && [ "$(cat "$f")" = "$1" ] && [ "$(cat "${f%/serial}/idVendor")" = 1209 ] &&
			echo "${f%/serial}" && return 0
	done
	return 1
}

# attr_is FILE VALUE: the attribute's content is VALUE.
attr_is() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }

# status_is SERIAL KEY VALUE
status_is() { sim "$1" status | grep -qx "$2=$3"; }

# gone SERIAL: nothing of the reader left in configfs, mounts, /run or on the bus.
gone() {
	[ ! -e "$GADGETS/mncr-$1" ] && ! grep -q "mncr-ctl-$1 " /proc/mounts &&
		[ ! -e "$RUN/$1.sock" ] && [ ! -e "$RUN/$1.lock" ] && [ ! -e "$RUN/$1" ] &&
		! usbdev "$1" >/dev/null
}

pid_of() { cat "$RUN/$1.lock" 2>/dev/null; }

bus_setup

# --- one reader: identity --------------------------------------------------
"$SIM" --daemon --serial ENUM1 --firmware 2.13-test --card pin 2>"$log"
check "daemon returns 0 once enumerated" test $? -eq 0
d=$(usbdev ENUM1) || { fail "reader ENUM1 on the host" "not in /sys/bus/usb/devices"; finish; }
pass "reader ENUM1 on the host"
check "idVendor 1209 (pid.codes)" attr_is "$d/idVendor" 1209
check "idProduct 0001" attr_is "$d/idProduct" 0001
check "manufacturer mncr" attr_is "$d/manufacturer" mncr
check "product string" attr_is "$d/product" "mncr simulated face-recognition card reader"
check "serial from --serial" attr_is "$d/serial" ENUM1
check "bcdDevice 0213 from --firmware 2.13-test" attr_is "$d/bcdDevice" 0213
check "high speed" attr_is "$d/speed" 480
check "one configuration, three interfaces (control, CCID, camera)" attr_is "$d/bNumInterfaces" " 3"
v=$d/$(basename "$d"):1.2
check "interface 2 class ff subclass 0e protocol 01 (camera)" \
	test "$(cat "$v/bInterfaceClass")$(cat "$v/bInterfaceSubClass")$(cat "$v/bInterfaceProtocol")" = ff0e01
check "interface 2 string" attr_is "$v/interface" "mncr camera"
c=$d/$(basename "$d"):1.1
check "interface 1 class 0b (CCID)" attr_is "$c/bInterfaceClass" 0b
check "interface 1 has 3 endpoints" attr_is "$c/bNumEndpoints" 03
check "interface 1 string" attr_is "$c/interface" "mncr smart card"
i=$d/$(basename "$d"):1.0
check "interface 0 class ff" attr_is "$i/bInterfaceClass" ff
check "interface 0 subclass 00 protocol 00" \
	test "$(cat "$i/bInterfaceSubClass")$(cat "$i/bInterfaceProtocol")" = 0000
check "interface 0 has 3 endpoints" attr_is "$i/bNumEndpoints" 03
check "interface string" attr_is "$i/interface" "mncr control"
eps=$(for e in "$i"/ep_*; do echo "$(cat "$e/type") $(cat "$e/direction") $(cat "$e/wMaxPacketSize")"; done | sort | tr '\n' ,)
check "endpoints: bulk in 512, bulk out 512, interrupt in 64" \
	test "$eps" = "Bulk in 0200,Bulk out 0200,Interrupt in 0040,"
check "status shows the UDC and host device" \
	test "$(sim ENUM1 status | grep -E '^(udc|usbdev|plugged|enabled)=' | tr '\n' ' ')" = \
	"udc=dummy_udc.0 plugged=1 enabled=1 usbdev=$(basename "$d") "
check "gadget in configfs bound to that UDC" attr_is "$GADGETS/mncr-ENUM1/UDC" dummy_udc.0
check "--card inserted the card" status_is ENUM1 profile pin
check "firmware in status" status_is ENUM1 firmware 2.13-test

# --- several readers ---------------------------------------------------------
"$SIM" --daemon --serial ENUM2 --no-match-engine --camera nobody 2>>"$log"
check "second reader starts" test $? -eq 0
check "second reader on the next UDC" status_is ENUM2 udc dummy_udc.1
check "both readers on the host" test -n "$(usbdev ENUM1)" -a -n "$(usbdev ENUM2)" -a \
	"$(usbdev ENUM1)" != "$(usbdev ENUM2)"
check "--no-match-engine shows engine=0" status_is ENUM2 engine 0
check "--camera is stored" status_is ENUM2 camera nobody
sim ENUM2 insert nosign >/dev/null
check "readers are independent" \
	test "$(sim ENUM1 status | grep ^profile=)$(sim ENUM2 status | grep ^profile=)" = profile=pinprofile=nosign

"$SIM" --daemon --serial ENUM1 >"$log" 2>&1
check "same serial twice is refused" test $? -ne 0
check "refusal names the running one" grep -q 'another mncr-sim already serves serial ENUM1' "$log"
check "the running one is untouched" status_is ENUM1 plugged 1

"$SIM" --daemon --serial ENUM3 --udc dummy_udc.0 >"$log" 2>&1
check "--udc of a busy UDC fails" test $? -ne 0
check "busy UDC is named as such" grep -q 'cannot bind to UDC dummy_udc.0.*another gadget' "$log"
check "failed start leaves nothing" gone ENUM3
"$SIM" --daemon --serial ENUM3 --udc nosuch_udc >"$log" 2>&1
check "--udc of a missing UDC fails" test $? -ne 0
check "missing UDC is named as such" grep -q 'no such UDC' "$log"

"$SIM" --daemon --serial ENUM3 --udc dummy_udc.3 2>>"$log"
check "--udc picks that UDC" status_is ENUM3 udc dummy_udc.3
"$SIM" --daemon --serial ENUM4 2>>"$log"
check "fourth reader takes the free UDC" status_is ENUM4 udc dummy_udc.2
check "four readers on the host" test "$(grep -lx 1209 /sys/bus/usb/devices/*/idVendor | wc -l)" -eq 4
"$SIM" --daemon --serial ENUM5 >"$log" 2>&1
check "fifth reader fails: no free UDC" test $? -ne 0
check "no free UDC says what to do" grep -q 'no free UDC.*modprobe dummy_hcd num=4' "$log"
check "fifth reader leaves nothing" gone ENUM5

# --- ways to end ----------------------------------------------------------------
out=$(sim ENUM4 quit)
check "ctl quit exits 0 with ok" test $? -eq 0 -a "$out" = "ok quit"
check "after quit returns, nothing is left" gone ENUM4
check "the UDC is free again" attr_is /sys/class/udc/dummy_udc.2/function ""
"$SIM" --daemon --serial ENUM5 2>>"$log"
check "a new reader reuses the freed UDC" status_is ENUM5 udc dummy_udc.2

pid=$(pid_of ENUM3)
kill -TERM "$pid"
check "SIGTERM: the process ends" wait_for 10 test ! -e "/proc/$pid"
check "SIGTERM: nothing is left" gone ENUM3

pid=$(pid_of ENUM2)
kill -KILL "$pid"
wait_for 10 test ! -e "/proc/$pid"
check "SIGKILL: the host loses the reader" wait_for 10 sh -c "! grep -qx ENUM2 /sys/bus/usb/devices/*/serial"
check "SIGKILL leaves a stale gadget" test -d "$GADGETS/mncr-ENUM2"
"$SIM" --daemon --serial ENUM2 --log "$log.2" 2>"$log"
check "restart over a stale gadget works" status_is ENUM2 plugged 1
check "restart says it cleaned up" grep -q 'removing the gadget an earlier run left behind' "$log"

"$SIM" --serial FG1 2>"$log.fg" &
fg=$!
check "foreground: plugged" wait_for 15 status_is FG1 plugged 1
check "foreground: says where it is" grep -q 'serial FG1 plugged into dummy_udc' "$log.fg"
kill -INT "$fg"
wait "$fg"
check "foreground: SIGINT exits 0" test $? -eq 0
check "foreground: SIGINT leaves nothing" gone FG1

for s in ENUM1 ENUM2 ENUM5; do sim "$s" quit >/dev/null; done
check "--log gets the diagnostics after start" grep -q 'serial ENUM2: unplugged and removed' "$log.2"
check "all quit: no mncr gadget in configfs" test -z "$(ls "$GADGETS" | grep '^mncr-')"
check "all quit: no FunctionFS mounted" sh -c "! grep -q functionfs /proc/mounts"
# pki/ stays on purpose: the card CA and CRL the host trusts (card.rst).
check "all quit: no sockets or locks" test -z "$(ls "$RUN" | grep -vx pki)"

# --- start-up errors ----------------------------------------------------------
"$SIM" --bogus >/dev/null 2>&1
check "unknown option exits 2" test $? -eq 2
"$SIM" --card nosuch >"$log" 2>&1
check "unknown profile exits 2" test $? -eq 2 -a -n "$(grep 'unknown card profile' "$log")"
"$SIM" --serial 'bad/serial' >/dev/null 2>&1
check "bad serial exits 2" test $? -eq 2
"$SIM" --camera hallway >"$log" 2>&1
check "unknown camera scenario exits 2" test $? -eq 2 -a -n "$(grep 'unknown --camera' "$log")"
"$SIM" --camera-clock sometimes >"$log" 2>&1
check "unknown camera clock exits 2" test $? -eq 2 -a -n "$(grep 'camera-clock is wall or frame' "$log")"
modprobe -r dummy_hcd
"$SIM" --daemon --serial NOUDC >"$log" 2>&1
check "no UDC: start fails" test $? -ne 0
check "no UDC: says modprobe dummy_hcd num=4" grep -q 'modprobe dummy_hcd num=4' "$log"
check "no UDC: leaves nothing" gone NOUDC
modprobe dummy_hcd num=4

rm -f "$log" "$log.2" "$log.fg"
finish
