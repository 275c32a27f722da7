#!/usr/bin/env bash
# "mncr-sim ctl": every command's reply and exit status, the status keys,
# bad input, connection errors and the socket's line protocol. Runs in the
# test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

out=$(mktemp)

# ctl_is NAME STATUS PATTERN ARGS...: ctl ARGS exits STATUS, its output
# matches the extended regex PATTERN.
ctl_is() {
	local name=$1 want=$2 pat=$3 got
	shift 3
	"$SIM" ctl "$@" >"$out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -qE "$pat" "$out"; then
		pass "$name"
	else
		fail "$name" "exit $got, output: $(head -c 300 "$out" | tr '\n' '|')"
	fi
}

# st KEY VALUE: "ctl status" has the line KEY=VALUE.
st() { sim CTL1 status | grep -qx "$1=$2"; }

bus_setup
"$SIM" --daemon --serial CTL1 || { fail "start CTL1" "mncr-sim --daemon failed"; finish; }
C=(--serial CTL1)

# status: every key, one per line
"$SIM" ctl "${C[@]}" status >"$out"
check "status exits 0" test $? -eq 0
for k in serial udc plugged enabled suspended usbdev mode card profile engine fault \
	fault_left delay commands events last_reason camera firmware; do
	check "status has $k=" grep -qE "^$k=" "$out"
done
check "status: every line is key=value" test -z "$(grep -vE '^[a-z_]+=[^ ]*$' "$out")"
check "status at start: plugged=1 mode=auto card=0 engine=1 fault=none last_reason=0" \
	test "$(grep -E '^(plugged|mode|card|engine|fault|last_reason)=' "$out" | tr '\n' ' ')" = \
	"plugged=1 mode=auto card=0 engine=1 fault=none last_reason=0 "

# cards
ctl_is "insert: default profile pin" 0 '^ok inserted pin$' "${C[@]}" insert
check "status: card=1 profile=pin" st profile pin
ctl_is "insert PROFILE" 0 '^ok inserted pinless$' "${C[@]}" insert pinless
check "status: profile=pinless" st profile pinless
for p in blocked expired revoked nosign garbled slow yank; do
	ctl_is "insert $p" 0 "^ok inserted $p\$" "${C[@]}" insert "$p"
done
ctl_is "insert --front" 0 '^ok inserted pin with the given front$' \
	"${C[@]}" insert pin --front 19800217,2035,2285
ctl_is "insert --front=" 0 '^ok inserted nosign' "${C[@]}" insert nosign --front=20120229,2027,0001
ctl_is "unknown profile is an error" 1 '^error unknown card profile' "${C[@]}" insert platinum
ctl_is "--front with a bad date" 1 '^error --front: the birth date' "${C[@]}" insert --front 19800230,2035,2285
ctl_is "--front with a short year" 1 '^error --front wants' "${C[@]}" insert --front 19800217,235,2285
ctl_is "--front with letters in the code" 1 '^error --front: the security code' \
	"${C[@]}" insert --front 19800217,2035,22a5
ctl_is "--front without a value" 1 '^error --front wants' "${C[@]}" insert pin --front
ctl_is "bad --front echoes no digits" 1 '^[^0-9]*$' "${C[@]}" insert --front 19801317,2035,2285
check "errors leave the card as it was" st profile nosign
ctl_is "remove" 0 '^ok removed$' "${C[@]}" remove
check "status: card=0 profile= after remove" test "$(sim CTL1 status | grep -E '^(card|profile)=' | tr '\n' ' ')" = "card=0 profile= "
ctl_is "remove with no card is ok" 0 '^ok no card' "${C[@]}" remove

# mode and engine
ctl_is "mode visual" 0 '^ok mode visual$' "${C[@]}" mode visual
check "status: mode=visual" st mode visual
ctl_is "mode auto" 0 '^ok mode auto$' "${C[@]}" mode auto
ctl_is "mode sideways is an error" 1 '^error usage: mode' "${C[@]}" mode sideways
ctl_is "engine off" 0 '^ok engine off' "${C[@]}" engine off
check "status: engine=0" st engine 0
ctl_is "engine on" 0 '^ok engine on' "${C[@]}" engine on
ctl_is "engine maybe is an error" 1 '^error usage: engine' "${C[@]}" engine maybe

# faults, delay, flood, error
for f in garbage short stall silence badseq badmagic disconnect; do
	ctl_is "fault $f 2" 0 "^ok fault $f for 2 responses\$" "${C[@]}" fault "$f" 2
	check "status: fault=$f fault_left=2" test "$(sim CTL1 status | grep -E '^fault(_left)?=' | tr '\n' ' ')" = "fault=$f fault_left=2 "
	ctl_is "fault $f" 0 "^ok fault $f until 'fault none'\$" "${C[@]}" fault "$f"
	check "status: fault_left=inf" st fault_left inf
done
ctl_is "fault none" 0 '^ok fault none$' "${C[@]}" fault none
check "status: fault=none fault_left=0" test "$(sim CTL1 status | grep -E '^fault(_left)?=' | tr '\n' ' ')" = "fault=none fault_left=0 "
ctl_is "fault with an unknown kind" 1 '^error usage: fault' "${C[@]}" fault meltdown
ctl_is "fault with COUNT 0" 1 '^error fault COUNT' "${C[@]}" fault garbage 0
ctl_is "fault with COUNT x" 1 '^error fault COUNT' "${C[@]}" fault garbage x
ctl_is "delay 150" 0 '^ok delay 150 ms$' "${C[@]}" delay 150
check "status: delay=150" st delay 150
ctl_is "delay 0" 0 '^ok delay 0 ms$' "${C[@]}" delay 0
ctl_is "delay -5 is an error" 1 '^error usage: delay' "${C[@]}" delay -5
ctl_is "delay too long is an error" 1 '^error usage: delay' "${C[@]}" delay 600000
ctl_is "flood 5" 0 '^ok flood 5' "${C[@]}" flood 5
ctl_is "flood 0 is an error" 1 '^error usage: flood' "${C[@]}" flood 0
ctl_is "error 5" 0 '^ok error 5' "${C[@]}" error 5
ctl_is "error 0 is an error" 1 '^error usage: error' "${C[@]}" error 0
ctl_is "error EIO is an error" 1 '^error usage: error' "${C[@]}" error EIO

# the cable
sim CTL1 mode visual >/dev/null
sim CTL1 insert blocked >/dev/null
ctl_is "unplug" 0 '^ok unplugged from dummy_udc' "${C[@]}" unplug
check "status after unplug: plugged=0 enabled=0 mode=auto card=1" \
	test "$(sim CTL1 status | grep -E '^(plugged|enabled|mode|card)=' | tr '\n' ' ')" = \
	"plugged=0 enabled=0 mode=auto card=1 "
check "unplug: not on the host" sh -c "! grep -qx CTL1 /sys/bus/usb/devices/*/serial"
ctl_is "unplug again is ok" 0 '^ok already unplugged' "${C[@]}" unplug
ctl_is "flood while unplugged is dropped" 0 'dropped' "${C[@]}" flood 3
ctl_is "plug" 0 '^ok plugged into dummy_udc' "${C[@]}" plug
check "status after plug: plugged=1 enabled=1" \
	test "$(sim CTL1 status | grep -E '^(plugged|enabled)=' | tr '\n' ' ')" = "plugged=1 enabled=1 "
check "plug: on the host" grep -qx CTL1 /sys/bus/usb/devices/*/serial
ctl_is "plug again is ok" 0 '^ok already plugged' "${C[@]}" plug

# bad commands and arguments
ctl_is "unknown command" 1 "^error unknown command 'frobnicate'" "${C[@]}" frobnicate
ctl_is "remove takes no arguments" 1 '^error remove takes no arguments' "${C[@]}" remove now
ctl_is "status takes no arguments" 1 '^error status takes no arguments' "${C[@]}" status all
ctl_is "too many words" 1 '^error' "${C[@]}" insert a b c d e f g h i j
ctl_is "no command is a usage error (2)" 2 'usage: mncr-sim ctl' "${C[@]}"
ctl_is "no such simulator is a connection error (2)" 2 'cannot connect to /run/mncr-sim/NOPE.sock' \
	--serial NOPE status
ctl_is "--socket to nowhere (2)" 2 'cannot connect' --socket /nonexistent/x.sock status
ctl_is "bad serial (2)" 2 'bad serial' --serial 'a/b' status
ctl_is "--serial and --socket together (2)" 2 'not both' --serial CTL1 --socket /x status
ctl_is "unknown ctl option (2)" 2 'unknown option' --bogus status

# the socket itself: several commands on one connection, one reply each
check "one connection, three commands, three replies" python3 -c '
import socket
s = socket.socket(socket.AF_UNIX)
s.connect("/run/mncr-sim/CTL1.sock")
s.sendall(b"mode visual\nbogus\nmode auto\n")
s.shutdown(socket.SHUT_WR)
lines = s.makefile().read().splitlines()
assert len(lines) == 3, lines
assert lines[0] == "ok mode visual" and lines[2] == "ok mode auto", lines
assert lines[1].startswith("error unknown command '"'"'bogus'"'"' (insert, "), lines
assert lines[1].endswith(", status, quit)"), lines
'
check "an over-long line gets one error, the next line is served" python3 -c '
import socket
s = socket.socket(socket.AF_UNIX)
s.connect("/run/mncr-sim/CTL1.sock")
s.sendall(b"x" * 5000 + b"\nmode auto\n")
s.shutdown(socket.SHUT_WR)
lines = s.makefile().read().splitlines()
assert lines == ["error line too long", "ok mode auto"], lines
'
check "still serving after abuse" st plugged 1

# a socket of one's own
"$SIM" --daemon --serial CTL2 --socket /tmp/ctl2.sock || fail "start CTL2" "failed"
ctl_is "--socket PATH serves there" 0 '^serial=CTL2$' --socket /tmp/ctl2.sock status
check "no default socket for CTL2" test ! -e /run/mncr-sim/CTL2.sock
ctl_is "quit CTL2" 0 '^ok quit$' --socket /tmp/ctl2.sock quit
check "quit removes the socket" test ! -e /tmp/ctl2.sock

ctl_is "quit" 0 '^ok quit$' "${C[@]}" quit
check "quit: configfs clean" test ! -e /sys/kernel/config/usb_gadget/mncr-CTL1
check "quit: socket gone" test ! -e /run/mncr-sim/CTL1.sock
ctl_is "after quit: connection error (2)" 2 'cannot connect' "${C[@]}" status

rm -f "$out"
finish
