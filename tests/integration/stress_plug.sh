#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver stress: a simulated reader is unplugged and plugged again
# MNCR_STRESS_CYCLES times (default 50; make stress: 1000) while other
# processes block in read(), poll(), run kernel matches, take and drop the
# visual lease (detached or not), fuzz ioctls, and a second reader stays
# plugged with its own readers. Then the module is unloaded and loaded
# again MNCR_STRESS_RELOADS times (default 5) while both readers flood
# events and a process keeps opening the nodes. Passes when every cycle
# brought the node back, every worker ended when told (none stuck in the
# kernel), the second reader never stopped working, and (debug kernel)
# kmemleak found nothing; the bed fails the run on any kernel report.
# Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/stress_plug.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
FUZZ=build/itest/drv_ioctl_fuzz
drv_setup
cycles=${MNCR_STRESS_CYCLES:-50}
reloads=${MNCR_STRESS_RELOADS:-5}
A=/dev/mncr/by-serial/ST1
B=/dev/mncr/by-serial/ST2
stop=$tmp/stop

# nap SECONDS: sleep without starting a process (each exec costs under TCG).
mkfifo "$tmp/nap"
exec 7<>"$tmp/nap"
nap() { read -r -t "$1" -u 7 _; }

# gone PATH / back PATH: the by-serial link disappeared / came back.
gone() { local n=$(($1 * 20)); while [ -e "$2" ] && [ $n -gt 0 ]; do nap 0.05; n=$((n - 1)); done; [ ! -e "$2" ]; }
back() { local n=$(($1 * 20)); until [ -e "$2" ] || [ $n -le 0 ]; do nap 0.05; n=$((n - 1)); done; [ -e "$2" ]; }

# worker NAME CMD...: runs CMD again and again until $stop exists; counts
# its runs in $tmp/NAME.runs.
worker() {
	local name=$1 runs=0
	shift
	(
		while [ ! -e "$stop" ]; do
			"$@" >/dev/null 2>&1 || nap 0.05
			runs=$((runs + 1))
			echo "$runs" >"$tmp/$name.runs"
		done
	) &
	echo $! >>"$tmp/workers"
}

# fuzzer NAME NODE...: drv_ioctl_fuzz rounds of 5000 calls until $stop;
# a round that reports unexpected results is kept in $tmp/NAME.fail.
fuzzer() {
	local name=$1
	shift
	(
		while [ ! -e "$stop" ]; do
			"$FUZZ" -q -n 5000 "$@" >"$tmp/$name.last" 2>&1 ||
				cat "$tmp/$name.last" >>"$tmp/$name.fail"
			sed -n 's/^calls=\([0-9]*\).*/\1/p' "$tmp/$name.last" >>"$tmp/$name.calls"
		done
	) &
	echo $! >>"$tmp/workers"
}

# stop_workers WHAT: tell every worker to stop, unplug both readers (which
# must wake every read() and poll() blocked on them with ENODEV) and wait
# for the workers; a worker that does not end (a process stuck in the
# driver) fails WHAT. Then both readers are plugged again.
stop_workers() {
	local pid n stuck=0
	: >"$stop"
	ctl ST1 unplug >/dev/null
	ctl ST2 unplug >/dev/null
	for pid in $(cat "$tmp/workers" 2>/dev/null); do
		n=200
		while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do nap 0.1; n=$((n - 1)); done
		if kill -0 "$pid" 2>/dev/null; then
			stuck=$((stuck + 1))
			pkill -9 -P "$pid" 2>/dev/null
			kill -9 "$pid" 2>/dev/null
		fi
	done
	rm -f "$tmp/workers" "$stop"
	expect "$1" 0 "$stuck"
	ctl ST1 plug >/dev/null
	ctl ST2 plug >/dev/null
	back 30 "$A" && back 30 "$B"
}

sum() { [ -f "$1" ] && awk '{ s += $1 } END { print s + 0 }' "$1" || echo 0; }

[ -x "$FUZZ" ] || { fail setup "$FUZZ missing: run make tests"; drv_finish; exit; }
plug ST1 --card pin >/dev/null || { fail plug "no node for ST1"; drv_finish; exit; }
plug ST2 --card pin >/dev/null || { fail plug "no node for ST2"; drv_finish; exit; }

# --- plug/unplug cycles under load ---
worker reader "$TOOL" blockread "$A"
worker poller "$TOOL" blockpoll "$A"
worker matcher "$TOOL" longmatch "$A" 64 128 kernel
worker holder "$TOOL" setmode "$A" visual 700
worker detached "$TOOL" setmode "$A" visual 900 detach
worker reader_b "$TOOL" blockread "$B"
worker poller_b "$TOOL" blockpoll "$B"
fuzzer fuzz "$A" "$B"

t0=$(date +%s)
done_cycles=0
for ((i = 1; i <= cycles; i++)); do
	if [ $((i % 10)) = 0 ]; then
		ctl ST1 remove >/dev/null
		ctl ST1 insert pin >/dev/null
		ctl ST2 remove >/dev/null
		ctl ST2 insert pin >/dev/null
	fi
	ctl ST1 unplug >/dev/null || { fail "cycle_$i" "unplug refused"; break; }
	gone 20 "$A" || { fail "cycle_$i" "node still there after unplug"; break; }
	ctl ST1 plug >/dev/null || { fail "cycle_$i" "plug refused"; break; }
	back 30 "$A" || { fail "cycle_$i" "node not back after plug"; break; }
	done_cycles=$i
done
t1=$(date +%s)
expect plug_cycles_done "$cycles" "$done_cycles"
echo "cycles=$done_cycles seconds=$((t1 - t0))"
stop_workers workers_end_after_cycles
for w in reader poller matcher holder detached reader_b poller_b; do
	echo "runs_$w=$(cat "$tmp/$w.runs" 2>/dev/null || echo 0)"
done
echo "fuzz_calls=$(sum "$tmp/fuzz.calls")"
if [ -s "$tmp/fuzz.fail" ]; then
	fail fuzz_during_cycles "$(grep -m 3 '^FAIL' "$tmp/fuzz.fail" | tr '\n' ' ')"
else
	pass fuzz_during_cycles
fi

# the readers work after all that
expect after_cycles_info_a ok "$(errno_of "$TOOL" info "$A")"
expect after_cycles_card_front_b ok "$(errno_of "$TOOL" cardfront "$B")"
wait_for 5 attr_is "$(readlink -f "$A")" mode auto
expect after_cycles_mode_auto auto "$(sysattr "$(readlink -f "$A")" mode)"

# --- module unload/reload while both readers flood events ---
ctl ST1 evflood card >/dev/null
ctl ST2 evflood garbage >/dev/null
worker opener "$TOOL" info "$A"
worker opener_b "$TOOL" getmode "$B"
done_reloads=0
for ((i = 1; i <= reloads; i++)); do
	n=100	# open files hold the module: retry while the openers come and go
	until modprobe -r mncr 2>/dev/null || [ $n -le 0 ]; do nap 0.05; n=$((n - 1)); done
	if grep -q '^mncr ' /proc/modules; then
		fail "reload_$i" "mncr could not be unloaded"
		break
	fi
	[ ! -e "$A" ] && [ ! -e "$B" ] || { fail "reload_$i" "nodes outlived the module"; break; }
	modprobe mncr || { fail "reload_$i" "modprobe mncr"; break; }
	back 30 "$A" && back 30 "$B" || { fail "reload_$i" "readers not bound again"; break; }
	done_reloads=$i
done
expect module_reloads_done "$reloads" "$done_reloads"
stop_workers workers_end_after_reloads
ctl ST1 evflood stop >/dev/null
ctl ST2 evflood stop >/dev/null
expect after_reload_card_front_a ok "$(errno_of "$TOOL" cardfront "$A")"
expect after_reload_card_front_b ok "$(errno_of "$TOOL" cardfront "$B")"
n=$(readlink -f "$A")
wait_for 10 attr_is "$n" card_present 1
expect after_flood_card_truth 1 "$(sysattr "$n" card_present)"

kmemleak_check kmemleak_none
drv_finish
