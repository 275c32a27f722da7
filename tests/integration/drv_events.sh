#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: events through read()/poll(): fan-out, sequence numbers, overflow
# reporting, floods, unplug under blocked read() and poll(). Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_events.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup

node=$(plug E1 --card pin) || { fail plug "no node for E1"; drv_finish; exit; }

# seqs NAME: the seq numbers a background reader saw, one a line.
seqs() {
	sed -n 's/^event .* seq=\([0-9]*\) .*/\1/p' "$tmp/$1.out"
}

# accounted NAME: events a reader received plus those reported lost.
accounted() {
	awk '/^event/ {
		split($2, t, "="); split($5, l, "=");
		if (t[2] == 5) n += l[2]; else n++
	} END { print n + 0 }' "$tmp/$1.out"
}

monotonic() {	# strictly increasing input
	awk 'NR > 1 && $1 <= prev { bad = 1 } { prev = $1 } END { exit bad }'
}

# --- fan-out: every reader gets every event, same seq ---
for i in 1 2 3; do bg_start "f$i" "$TOOL" events "$node" 8000; done
ctl E1 remove >/dev/null
ctl E1 insert pin >/dev/null
ctl E1 error 5 >/dev/null
for i in 1 2 3; do bg_wait "f$i" 30; done
want=$(printf '%s\n' "$EV_REM 0 0" "$EV_INS 0 0" "$EV_ERR 5 0")
for i in 1 2 3; do
	expect "fanout_reader$i" "$want" "$(events_of "f$i")"
done
if [ "$(seqs f1)" = "$(seqs f2)" ] && [ "$(seqs f2)" = "$(seqs f3)" ] &&
	[ "$(seqs f1 | wc -l)" = 3 ]; then pass fanout_same_seq; else
	fail fanout_same_seq "$(seqs f1 | tr '\n' ' ')/$(seqs f2 | tr '\n' ' ')"; fi
if seqs f1 | monotonic; then pass seq_monotonic; else fail seq_monotonic "$(seqs f1)"; fi

# --- many open files at once ---
for i in $(seq 1 16); do bg_start "m$i" "$TOOL" wait "$node" $EV_ERR 7 60000; done
ctl E1 error 7 >/dev/null
ok=0
for i in $(seq 1 16); do
	bg_wait "m$i" 30
	events_of "m$i" | grep -qx "$EV_ERR 7 0" && ok=$((ok + 1))
done
expect fanout_16_files 16 "$ok"

# --- flood: per-file overflow is reported, nothing lost silently ---
lost0=$(sysattr "$node" events_lost)
bg_start lazy "$TOOL" lazy "$node" 12000
bg_start busy "$TOOL" events "$node" 6000
sent0=$(sim_status E1 events)
ctl E1 flood 300 >/dev/null
# the flood takes a while: meanwhile the reader stays usable
expect flood_info_ok ok "$(errno_of "$TOOL" info "$node")"
expect flood_match_ok ok "$(errno_of "$TOOL" match "$node" 128 1 64 kernel)"
expect flood_device_io_ok ok "$(errno_of "$TOOL" cardfront "$node")"
flood_sent() { [ $(($(sim_status E1 events) - sent0)) -ge 300 ]; }
wait_for 60 flood_sent || fail flood_sent "the simulator did not send 300 events"
bg_wait busy 60
bg_wait lazy 60
sent=$(($(sim_status E1 events) - sent0))
lost=$(($(sysattr "$node" events_lost) - lost0))
first=$(events_of lazy | head -n 1 | cut -d' ' -f1)
expect flood_overflow_first "$EV_OVF" "$first"
n_lazy=$(events_of lazy | wc -l)
if [ "$n_lazy" -le 65 ]; then pass flood_queue_bounded; else
	fail flood_queue_bounded "$n_lazy records"; fi
expect flood_lazy_accounted "$sent" "$(accounted lazy)"
expect flood_busy_accounted "$sent" "$(accounted busy)"
expect flood_no_device_level_loss 0 "$lost"
if seqs lazy | monotonic && seqs busy | monotonic; then pass flood_seq_monotonic; else
	fail flood_seq_monotonic "not increasing"; fi
expect flood_lazy_drained "read errno=EAGAIN" "$(bg_out lazy | tail -n 1)"
# the last event is the truth
card_agrees() { attr_is "$node" card_present "$(sim_status E1 card)"; }
wait_for 5 card_agrees
expect flood_card_state "$(sim_status E1 card)" "$(sysattr "$node" card_present)"

# --- unplug: queued events first, then ENODEV; blocked read and poll wake ---
bg_start r "$TOOL" blockread "$node"
bg_start p "$TOOL" blockpoll "$node"
bg_start q "$TOOL" lazy "$node" 4000
ctl E1 error 9 >/dev/null
sleep 1
t0=$("$TOOL" now)
ctl E1 unplug >/dev/null
if bg_wait r 20 && bg_out r | grep -q 'read errno=ENODEV'; then
	pass unplug_wakes_blocked_read; else
	fail unplug_wakes_blocked_read "$(bg_out r | tail -2)"; fi
dt=$((($("$TOOL" now) - t0) / 1000000))
if [ "$dt" -lt 5000 ]; then pass unplug_read_prompt; else
	fail unplug_read_prompt "${dt} ms"; fi
if bg_wait p 20 && bg_out p | grep -q 'revents=.*HUP,ERR' &&
	bg_out p | grep -q 'read errno=ENODEV'; then
	pass unplug_wakes_poll; else fail unplug_wakes_poll "$(bg_out p | tail -3)"; fi
if bg_wait q 20 && events_of q | grep -qx "$EV_ERR 9 0" &&
	bg_out q | tail -n 1 | grep -q 'read errno=ENODEV'; then
	pass unplug_drains_then_enodev; else
	fail unplug_drains_then_enodev "$(bg_out q | tail -3)"; fi

# --- back again: events flow on the new node ---
ctl E1 plug >/dev/null
udevadm settle -t 20 2>/dev/null
if wait_for 20 node_of E1; then
	node=$(node_of E1)
	bg_start a "$TOOL" events "$node" 3000
	ctl E1 remove >/dev/null
	bg_wait a 30
	expect replug_events "$EV_REM 0 0" "$(events_of a)"
else
	fail replug_events "E1 did not come back"
fi
drv_finish
