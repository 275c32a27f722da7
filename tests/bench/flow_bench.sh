#!/usr/bin/env bash
# Qualification-flow benchmark (figures only, no pass/fail), in the test
# bed: N face-mode runs of 'mncr qualify' with a PIN-less card on the
# simulated reader; for each run the time from the card set to identity
# verified, and the APDU bytes over the CCID slot up to then and in all.
#   tests/vm/run --udev-rules udev/60-mncr.rules -- tests/bench/flow_bench.sh [N]
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/../integration/flow_lib.sh"

n=${1:-5}
if ! flow_start BENCH1; then
	echo "flow_bench: cannot start the reader or the service" >&2
	exit 1
fi
flow_capture
camera_opts=$(camera person)
echo "flow_bench: $n face-mode runs, PIN-less card, $([ "$CAPTURE" = 1 ] && echo camera || echo '--frame pictures'), TCG guest"
printf 'flow_bench: %-4s %-10s %12s %14s %12s %9s\n' run outcome identity_ms apdu_to_ident apdu_total commands
for i in $(seq 1 "$n"); do
	insert pinless
	# shellcheck disable=SC2086
	qualify "b$i" "yes|yes|yes|yes" $camera_opts
	printf 'flow_bench: %-4s %-10s %12s %14s %12s %9s\n' "$i" "$(field "b$i" outcome)" \
		"$(field "b$i" identity_ms)" "$(field "b$i" apdu.bytes_to_identity)" \
		"$(field "b$i" apdu.bytes)" "$(field "b$i" apdu.commands)"
done
python3 - "$FLOW" "$n" <<'PY'
import json, statistics, sys
d, n = sys.argv[1], int(sys.argv[2])
ms = []
for i in range(1, n + 1):
    try:
        r = json.load(open(f"{d}/b{i}.json"))
    except Exception:
        continue
    if "identity_ms" in r:
        ms.append(r["identity_ms"])
if ms:
    print(f"flow_bench: card set -> identity verified: median {statistics.median(ms):.0f} ms "
          f"(min {min(ms)}, max {max(ms)}, {len(ms)} runs)")
PY
flow_stop
