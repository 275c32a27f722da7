#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: MNCR_IOC_MATCH. Device engine, kernel AVX2 and kernel scalar
# paths all give mncr_match_score_ref()'s scores; long batches stop for
# SIGKILL and unplug. Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_match.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
drv_setup

node=$(plug M1 --card pin) || { fail plug "no node for M1"; drv_finish; exit; }
n2=$(plug M2 --no-match-engine) || { fail plug "no node for M2"; drv_finish; exit; }
simd=/sys/module/mncr/parameters/simd

if grep -qw avx2 /proc/cpuinfo; then
	echo "drv_match: CPU has AVX2: the kernel path runs both AVX2 and scalar"
else
	echo "drv_match: CPU lacks AVX2: the kernel path is scalar only"
fi
echo Y >"$simd"
build/itest/drv_match "$node" both _simd || true
echo N >"$simd"
build/itest/drv_match "$node" kernel _scalar || true
echo Y >"$simd"
build/itest/drv_match "$n2" device _no_engine || true

# --- a long kernel batch stops at once for SIGKILL ---
bg_start k "$TOOL" longmatch "$node" 65535 512 kernel
sleep 1
# meanwhile other files are served
t0=$("$TOOL" now)
expect long_batch_other_file_info ok "$(errno_of "$TOOL" info "$node")"
expect long_batch_other_file_match ok "$(errno_of "$TOOL" match "$node" 128 1 100 kernel)"
dt=$((($("$TOOL" now) - t0) / 1000000))
# Served while the loop of batches still runs: no file waits for another's
# batches to end. The time is a figure (3.8 s on the debug kernel, busy host).
if kill -0 "$(bg_pid k)" 2>/dev/null; then
	pass long_batch_others_served_meanwhile
else
	fail long_batch_others_served_meanwhile "the long batch had ended"
fi
echo "figure: info and a 100-vector match on another file beside it took ${dt} ms"
t0=$("$TOOL" now)
kill -9 "$(bg_pid k)"
# A batch is bounded (MNCR_MATCH_MAX_SCORES); what is checked is that the
# loop of batches ends and its pinned pages go. The time is a figure: a
# KASAN kernel under load takes 1.4 s where Debian's takes 0.1 s.
if bg_wait k 10; then
	dt=$((($("$TOOL" now) - t0) / 1000000))
	pass kernel_batch_sigkill
	echo "kernel_batch_sigkill_ms=$dt"
else
	fail kernel_batch_sigkill "still running after 10 s"
fi

# --- a long device batch too ---
bg_start d "$TOOL" longmatch "$node" 20000 512 device
sleep 1
t0=$("$TOOL" now)
kill -9 "$(bg_pid d)"
if bg_wait d 10; then
	dt=$((($("$TOOL" now) - t0) / 1000000))
	pass device_batch_sigkill
	echo "device_batch_sigkill_ms=$dt"
else
	fail device_batch_sigkill "still running after 10 s"
fi
expect device_after_sigkill ok "$(errno_of "$TOOL" match "$node" 128 1 100 device)"

# --- unplug during long batches: ENODEV, promptly ---
bg_start uk "$TOOL" longmatch "$n2" 65535 512 kernel
bg_start ud "$TOOL" longmatch "$node" 20000 512 device
sleep 1
ctl M2 unplug >/dev/null
ctl M1 unplug >/dev/null
if bg_wait uk 10 && bg_out uk | grep -q '^errno=ENODEV'; then
	pass unplug_during_kernel_batch; else
	fail unplug_during_kernel_batch "$(bg_out uk | tail -3)"; fi
if bg_wait ud 10 && bg_out ud | grep -q '^errno=ENODEV'; then
	pass unplug_during_device_batch; else
	fail unplug_during_device_batch "$(bg_out ud | tail -3)"; fi
drv_finish
