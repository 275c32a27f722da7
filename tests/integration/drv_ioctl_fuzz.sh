#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Driver: random ioctls, sizes, flags and pointers (unmapped, read-only,
# kernel, straddling) against two live readers, one with a card and a
# match engine, one without (build/itest/drv_ioctl_fuzz). The nodes must
# still work afterwards; the bed fails the run on any kernel report.
#   MNCR_FUZZ_CALLS  calls (default 100000; make fuzz-ioctl: 1000000)
#   MNCR_FUZZ_SEED   seed (default: the time)
# Guest only:
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/integration/drv_ioctl_fuzz.sh
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/drv_lib.sh
FUZZ=build/itest/drv_ioctl_fuzz
drv_setup
[ -x "$FUZZ" ] || { fail setup "$FUZZ missing: run make tests"; drv_finish; exit; }
calls=${MNCR_FUZZ_CALLS:-100000}
seed=${MNCR_FUZZ_SEED:-$(date +%s)}

a=$(plug Z1 --card pin) || { fail plug "no node for Z1"; drv_finish; exit; }
b=$(plug Z2 --no-match-engine) || { fail plug "no node for Z2"; drv_finish; exit; }

"$FUZZ" -n "$calls" -s "$seed" "$a" "$b" | tee "$tmp/fuzz.out" | grep -v '^FAIL'
grep '^FAIL' "$tmp/fuzz.out" | while IFS= read -r l; do echo "$l"; done
grep -q '^PASS: ioctl_fuzz' "$tmp/fuzz.out" || failures=$((failures + 1))
got=$(sed -n 's/^calls=\([0-9]*\).*/\1/p' "$tmp/fuzz.out")
expect fuzz_ran_all_calls "$calls" "$got"

# the readers are still fine: identity, a mode round trip, a device match
for n in "$a" "$b"; do
	expect "after_fuzz_info_${n##*/}" ok "$(errno_of "$TOOL" info "$n")"
	expect "after_fuzz_mode_${n##*/}" ok "$(errno_of "$TOOL" setmode "$n" visual 2000)"
	wait_for 5 attr_is "$n" mode auto
	expect "after_fuzz_auto_${n##*/}" auto "$(sysattr "$n" mode)"
done
expect after_fuzz_card_front ok "$(errno_of "$TOOL" cardfront "$a")"
expect after_fuzz_match_device 0x10000 "$(kv flags "$("$TOOL" match "$a" 64 1 8 device)")"

kmemleak_check kmemleak_none
drv_finish
