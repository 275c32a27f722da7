# SPDX-License-Identifier: GPL-2.0
# Shared by the driver tests tests/integration/drv_*.sh, which run as root
# inside the QEMU guest (tests/vm/run --udev-rules udev/60-mncr.rules -- T).
# Sourced, not executable. Each test prints "PASS: name" or
# "FAIL: name (why)" per case and exits non-zero if any case failed.

SIM=${SIM:-build/mncr-sim}
TOOL=${TOOL:-build/itest/drv_tool}
failures=0
tmp=$(mktemp -d /tmp/drvtest.XXXXXX)

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 ($2)"
	failures=$((failures + 1))
}

# expect NAME WANT GOT: pass when GOT equals WANT.
expect() {
	if [ "$3" = "$2" ]; then pass "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

# kv KEY FILE-OR-TEXT: value of KEY=value from drv_tool output text.
kv() {
	printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n 1
}

# errno_of CMD...: the errno name drv_tool printed, or "ok".
errno_of() {
	local out
	out=$("$@" 2>/dev/null)
	if printf '%s\n' "$out" | grep -q '^errno='; then
		kv errno "$out"
	else
		echo ok
	fi
}

ctl() {	# ctl SERIAL CMD...
	local s=$1
	shift
	"$SIM" ctl --serial "$s" "$@"
}

sim_status() {	# sim_status SERIAL KEY
	ctl "$1" status | sed -n "s/^$2=//p"
}

# node_of SERIAL: /dev/mncrN of the reader with that serial, via sysfs.
node_of() {
	local d
	for d in /sys/class/mncr/mncr*; do
		[ -e "$d/serial" ] || continue
		if [ "$(cat "$d/serial")" = "$1" ]; then
			echo "/dev/${d##*/}"
			return 0
		fi
	done
	return 1
}

sysattr() {	# sysattr NODE ATTR
	cat "/sys/class/mncr/${1##*/}/$2"
}

# attr_is NODE ATTR VALUE: the sysfs attribute has that value now.
attr_is() {
	[ "$(sysattr "$1" "$2")" = "$3" ]
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds. CMD is
# run again each time: pass a function, not a $(...) evaluated once.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# plug SERIAL [SIM OPTIONS...]: plug a simulated reader and wait for its
# node (with udev's by-serial link). Prints the node.
plug() {
	local s=$1 node
	shift
	"$SIM" --daemon --serial "$s" --log "$tmp/sim-$s.log" "$@" >&2 || return 1
	echo "$s" >>"$tmp/serials"	# plug runs in $(...): no variables
	udevadm settle -t 20 2>/dev/null
	wait_for 20 node_of "$s" || return 1
	node=$(node_of "$s")
	wait_for 10 test -e "$node" || return 1
	echo "$node"
}

quit_sim() {
	ctl "$1" quit >/dev/null 2>&1
}

# quit_all: unplug every simulated reader this test plugged.
quit_all() {
	local s
	[ -f "$tmp/serials" ] || return 0
	for s in $(sort -u "$tmp/serials"); do quit_sim "$s"; done
	rm -f "$tmp/serials"
}

drv_setup() {
	grep -q '^dummy_hcd ' /proc/modules || modprobe dummy_hcd num=4 || {
		fail setup "modprobe dummy_hcd"
		exit 1
	}
	[ -x "$SIM" ] || { fail setup "$SIM missing: run make"; exit 1; }
	[ -x "$TOOL" ] || { fail setup "$TOOL missing: run make tests"; exit 1; }
	trap drv_cleanup EXIT
}

drv_cleanup() {
	[ -f "$tmp/pids" ] && for j in $(cat "$tmp/pids"); do kill -9 "$j" 2>/dev/null; done
	quit_all
	rm -rf "$tmp"
}

drv_finish() {
	echo "drv: $failures failure(s)"
	[ "$failures" -eq 0 ]
}

# bg_start NAME CMD...: run CMD in the background with output in
# $tmp/NAME.out, wait until it printed "ready" (or "held").
bg_start() {
	local name=$1
	shift
	"$@" >"$tmp/$name.out" 2>&1 &
	eval "pid_$name=$!"
	echo $! >>"$tmp/pids"
	disown $!	# no "Killed" job reports when a test kills it
	wait_for 20 grep -qE '^(ready|held|errno=)' "$tmp/$name.out"
}

bg_pid() { eval "echo \$pid_$1"; }

# bg_wait NAME SECONDS: wait for the background job to exit; false on
# timeout (the job is killed then).
bg_wait() {
	local pid n=$(($2 * 10))
	pid=$(bg_pid "$1")
	while [ "$n" -gt 0 ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" 2>/dev/null
			return 0
		fi
		sleep 0.1
		n=$((n - 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

bg_out() { cat "$tmp/$1.out"; }

# events_of NAME: event lines of a background reader, "type reason mode".
events_of() {
	sed -n 's/^event type=\([0-9]*\) reason=\([0-9]*\) mode=\([0-9]*\).*/\1 \2 \3/p' \
		"$tmp/$1.out"
}

# Event types and reasons of <linux/mncr.h>.
EV_INS=1 EV_REM=2 EV_MODE=3 EV_ERR=4 EV_OVF=5
R_REQUEST=1 R_TIMEOUT=2 R_CARD=3 R_HOLDER=4 R_UNPLUG=5 R_SUSPEND=6 R_DEVICE=7

# kmemleak_check NAME: on a kernel with kmemleak (tests/vm/debug-kernel),
# unplug every reader, let kmemleak scan twice (objects must be 5 s old to
# count) and pass NAME when no unreferenced object was allocated under one
# of our functions; prints the total count as a figure. Does nothing on a
# kernel without kmemleak.
kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak total ours
	[ -w "$f" ] || return 0
	quit_all
	sleep 6
	echo scan >"$f"
	echo scan >"$f"
	total=$(grep -c '^unreferenced object' "$f")
	ours=$(awk '/^unreferenced object/ { n += hit; hit = 0 }
		/mncr_/ { hit = 1 } END { print n + hit }' "$f")
	echo "kmemleak: $total unreferenced objects, $ours from mncr"
	[ "$ours" = 0 ] || grep -B 2 -A 20 -m 3 'mncr_' "$f"
	expect "$1" 0 "$ours"
}
