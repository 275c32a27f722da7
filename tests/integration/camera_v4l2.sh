#!/usr/bin/env bash
# The V4L2 (libv4l2) camera path, which a real reader's UVC camera takes
# and the simulator cannot (dummy_hcd has no isochronous transfers): the
# kernel's virtual camera vivid stands in for uvcvideo. Format negotiation
# and mmap streaming into "mncr capture --video", the picture itself (the
# colour bars' luma), frames the driver flags as damaged skipped and
# counted, no frame at all (timeout), and a disconnect in the middle of a
# capture (exit 3, nothing saved). Runs in the test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)

if ! modinfo vivid >/dev/null 2>&1; then
	echo "SKIP: this kernel has no vivid (Debian's has; the debug kernel does not)"
	exit 0
fi
if ! command -v v4l2-ctl >/dev/null; then
	fail "v4l2-ctl installed" "no v4l2-ctl: make deps (v4l-utils)"
	finish
fi

# One vivid instance: a video capture node only, one webcam input.
vivid_load() {
	modprobe vivid n_devs=1 node_types=0x1 num_inputs=1 input_types=0x0 || return 1
	V=
	for d in /sys/class/video4linux/video*; do
		[ "$(cat "$d/name")" = vivid-000-vid-cap ] && V=/dev/$(basename "$d")
	done
	[ -n "$V" ] && wait_for 10 test -c "$V" &&
		v4l2-ctl -d "$V" --set-fmt-video=width=640,height=480 \
			--set-ctrl osd_text_mode=2
}

vivid_load
check "vivid capture node ($V)" test -c "$V"

"$MNCR" capture --video "$V" -o "$out/bars.pgm" --json >"$out/json" 2>"$out/err"
rc=$?
check "capture --video exits 0 ($(head -c 200 "$out/err"))" test $rc -eq 0
check "frame is a 640x480 PGM" test "$(head -c 15 "$out/bars.pgm" | tr '\n' ' ')" = "P5 640 480 255 "
check "--json names the node" grep -q "\"camera\": *\"$V\"" "$out/json"
check "--json: no damaged frames" grep -q '"damaged": *0' "$out/json"

# 75% colour bars: white, yellow, cyan, green, magenta, red, blue, black,
# each 80 pixels wide; their luma falls from left to right.
luma() { od -An -tu1 -j $((15 + 240 * 640 + $1)) -N1 "$out/bars.pgm" | tr -d ' '; }
bars=$(for b in 0 1 2 3 4 5 6 7; do luma $((b * 80 + 40)); done | tr '\n' ' ')
falling() {
	local prev=256 v
	for v in $bars; do
		[ "$v" -lt "$prev" ] || return 1
		prev=$v
	done
}
check "the colour bars' luma falls left to right ($bars)" falling

"$MNCR" capture --video "$V" --frames 30 -o "$out/rate.pgm" >"$out/rate" 2>"$out/err"
check "capture --frames 30 exits 0" test $? -eq 0
echo "rate: $(cat "$out/rate")"

# The driver flags buffers as damaged (a UVC camera does on a torn
# payload): capture skips and counts them, and still delivers its frames.
# One press flags the next buffer; frames come at about 5 a second here.
"$MNCR" capture --video "$V" --frames 40 --timeout 20000 -o "$out/flagged.pgm" \
	--json >"$out/json" 2>"$out/err" &
pid=$!
for _ in $(seq 10); do
	v4l2-ctl -d "$V" --set-ctrl inject_v4l2_buf_flag_error=1 2>/dev/null
	sleep 0.4
done
wait "$pid"
rc=$?
check "capture with flagged buffers exits 0 ($(head -c 200 "$out/err"))" test $rc -eq 0
damaged=$(sed -n 's/.*"damaged": *\([0-9]*\).*/\1/p' "$out/json")
check "flagged buffers were skipped and counted (damaged=$damaged)" test "${damaged:-0}" -gt 0
check "the frame after them is whole" test "$(stat -c %s "$out/flagged.pgm")" -eq $((15 + 640 * 480))

# No frame at all: a clean timeout, no file.
v4l2-ctl -d "$V" --set-ctrl percentage_of_dropped_buffers=100
"$MNCR" capture --video "$V" --timeout 1500 -o "$out/none.pgm" 2>"$out/err"
rc=$?
check "no frame: capture fails (rc=$rc)" test "$rc" -ne 0 -a "$rc" -ne 3
check "no frame: the error says so ($(head -c 200 "$out/err"))" grep -q "no frame within 1500 ms" "$out/err"
check "no frame: no file" test ! -e "$out/none.pgm"
v4l2-ctl -d "$V" --set-ctrl percentage_of_dropped_buffers=0

# Not a camera, no such node: clear errors.
"$MNCR" capture --video /dev/null -o "$out/null.pgm" 2>"$out/err"
rc=$?
check "a node that is no camera is refused (rc=$rc)" test "$rc" -ne 0
check "... with one clear line ($(head -c 200 "$out/err"))" \
	test "$(cat "$out/err")" = "mncr: capture: /dev/null: not a streaming video capture device"
"$MNCR" capture --video /dev/video99 -o "$out/none.pgm" 2>"$out/err"
rc=$?
check "a missing node is refused (rc=$rc)" test "$rc" -ne 0
check "... and named ($(head -c 200 "$out/err"))" grep -q /dev/video99 "$out/err"

# Disconnect in the middle of a long capture: exit 3, quickly, no file.
capture_cut disconnect "$out" "--video $V" v4l2-ctl -d "$V" --set-ctrl disconnect=1

# The module goes away and comes back: the camera streams again.
check "vivid unloads after the disconnect" modprobe -r vivid
vivid_load
"$MNCR" capture --video "$V" --frames 2 -o "$out/again.pgm" 2>"$out/err"
rc=$?
check "capture after reloading ($(head -c 200 "$out/err"))" test $rc -eq 0
modprobe -r vivid

finish
