#!/usr/bin/env bash
# The simulated reader as one GadgetFS device with a UVC camera
# (mncr-sim --gadget gadgetfs): enumeration and binding (mncr on interface
# 0, CCID on 1, uvcvideo on 2-3), the format list and mmap streaming with
# v4l2-ctl, the frames' YUY2 layout, a second stream after the first, the
# CCID and control interfaces beside the stream, unplug in the middle of a
# stream (v4l2-ctl ends, no hang) and plug again. Runs in the test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

out=$(mktemp -d)
serial=UVC1
frame=$((640 * 480 * 2))

gadgetfs_or_skip
bus_setup
if ! modprobe gadgetfs 2>/dev/null; then
	echo "SKIP: this kernel has no gadgetfs"
	exit 0
fi
uvc_quirk

# usb_dev: the reader's USB device directory in sysfs.
usb_dev() {
	local d
	for d in /sys/bus/usb/devices/*; do
		[ "$(cat "$d/serial" 2>/dev/null)" = "$serial" ] && echo "$d" && return 0
	done
	return 1
}
# video_node: /dev/videoN of the reader's streaming interface.
video_node() {
	local d v
	d=$(usb_dev) || return 1
	for v in "$d"/*:1.2/video4linux/video*; do
		[ -e "$v" ] && echo "/dev/${v##*/}" && return 0
	done
	return 1
}

t0=$(date +%s%N)
plug "$serial" --gadget gadgetfs --card pin --camera-clock frame ||
	{ fail "plug the GadgetFS reader" "$(tail -n 5 /run/mncr-sim/*.log 2>/dev/null)"; finish; }
pass "plug the GadgetFS reader"
dev=$(usb_dev)
check "one USB device with the serial" test -n "$dev"
check "interface 0 is bound to mncr" \
	test "$(basename "$(readlink -f "$dev/$(basename "$dev"):1.0/driver")")" = mncr
check "interface 1 is CCID (class 0b)" \
	test "$(cat "$dev/$(basename "$dev"):1.1/bInterfaceClass")" = 0b
check "interface 2 is bound to uvcvideo" \
	test "$(basename "$(readlink -f "$dev/$(basename "$dev"):1.2/driver")")" = uvcvideo
check "interface 3 (streaming) is bound to uvcvideo" \
	test "$(basename "$(readlink -f "$dev/$(basename "$dev"):1.3/driver")")" = uvcvideo
check "the camera's interface string" \
	grep -qx "mncr camera" "$dev/$(basename "$dev"):1.2/interface"
wait_for 10 video_node >/dev/null
V=$(video_node)
check "a video node for the reader's camera ($V)" test -c "${V:-/nonexistent}"
wait_for 10 test -e "/dev/mncr/by-serial/$serial-camera"
check "udev names it /dev/mncr/by-serial/$serial-camera" \
	test "$(readlink -f "/dev/mncr/by-serial/$serial-camera")" = "$V"
check "the camera node is the reader's group" test "$(stat -c %G "$V")" = mncr
"$MNCR" status --json >"$out/status.json" 2>&1
check "mncr status --json names the camera node" grep -q "\"camera\": *\"$V\"" "$out/status.json"

v4l2-ctl -d "$V" --list-formats-ext >"$out/formats" 2>&1
check "format list: YUYV" grep -q "'YUYV'" "$out/formats"
check "format list: 640x480" grep -q "Size: Discrete 640x480" "$out/formats"
check "format list: 15 fps" grep -q "(15.000 fps)" "$out/formats"

# stream N FILE: N frames by mmap into FILE; the exit status of v4l2-ctl.
stream() {
	timeout 60 v4l2-ctl -d "$V" --set-fmt-video=width=640,height=480,pixelformat=YUYV \
		--stream-mmap --stream-count="$1" --stream-to="$2" 2>"$out/stream.err"
}
stream 1 "$out/first.yuv"
echo "figure: plug to the first frame: $((($(date +%s%N) - t0) / 1000000)) ms"
t1=$(date +%s%N)
stream 10 "$out/a.yuv"
check "10 frames streamed" test -s "$out/a.yuv"
echo "figure: 10 frames of 640x480 YUY2 in $((($(date +%s%N) - t1) / 1000000)) ms (with stream start)"
check "10 whole frames ($(stat -c %s "$out/a.yuv") bytes)" \
	test "$(stat -c %s "$out/a.yuv")" -eq $((10 * frame))
# Grey scenes: every chroma byte (odd offsets) is 128, the luma varies.
chroma=$(od -An -v -tu1 -w2 -j 0 -N "$frame" "$out/a.yuv" | awk '$2 != 128 { n++ } END { print n + 0 }')
check "chroma neutral in the first frame ($chroma bytes off)" test "$chroma" -eq 0
luma=$(od -An -v -tu1 -w2 -N "$frame" "$out/a.yuv" | awk '{ print $1 }' | sort -u | wc -l)
check "the luma is a picture ($luma levels)" test "$luma" -gt 32

stream 5 "$out/b.yuv"
check "a second stream after the first ($(stat -c %s "$out/b.yuv") bytes)" \
	test "$(stat -c %s "$out/b.yuv")" -eq $((5 * frame))

# The other interfaces while a stream runs.
stream 40 "$out/c.yuv" &
spid=$!
"$MNCR" status >"$out/status" 2>&1
check "mncr status beside the stream" grep -q "serial $serial" "$out/status"
"$MNCR" card --reader "$serial" cert --pem >"$out/cert.pem" 2>"$out/cert.err"
check "CCID: the card's certificate beside the stream ($(head -c 160 "$out/cert.err"))" \
	grep -q "BEGIN CERTIFICATE" "$out/cert.pem"
wait "$spid"
check "the stream beside them completed ($(stat -c %s "$out/c.yuv") bytes)" \
	test "$(stat -c %s "$out/c.yuv")" -eq $((40 * frame))
sim "$serial" status >"$out/sim-status"
sent=$(grep -o 'camera_frames=[0-9]*' "$out/sim-status" | cut -d= -f2)
check "the simulator counts the frames sent (${sent:-none})" test "${sent:-0}" -ge 55

# Frame exactness: the test pattern through uvcvideo and libv4l2, every
# pixel and the frame number.
sim "$serial" camera pattern >/dev/null
mkdir -p "$out/p"
"$MNCR" capture --reader "$serial" --frames 12 --each -o "$out/p/f.pgm" \
	>/dev/null 2>"$out/p.err"
check "12 pattern frames captured ($(head -c 160 "$out/p.err"))" test -s "$out/p/f_0011.pgm"
# The first two may hold the scene before the switch.
"$BUILD/itest/uvc_pattern" "$out"/p/f_00{02..11}.pgm >"$out/p.check"
rc=$?
check "pattern frames byte for byte ($(tail -n 1 "$out/p.check"))" test "$rc" -eq 0
sim "$serial" camera person >/dev/null

# Unplug in the middle of a stream: v4l2-ctl ends, the node goes.
timeout 60 v4l2-ctl -d "$V" --stream-mmap --stream-count=100000 --stream-to=/dev/null \
	2>"$out/cut.err" &
spid=$!
sleep 2
sim "$serial" unplug >/dev/null
wait_for 15 sh -c "! kill -0 $spid 2>/dev/null"
check "the stream ends within 15 s of the unplug" sh -c "! kill -0 $spid 2>/dev/null"
kill "$spid" 2>/dev/null
wait "$spid"
rc=$?
check "v4l2-ctl did not run into its timeout (exit $rc)" test "$rc" -ne 124
check "the video node is gone" sh -c "! test -e $V"

sim "$serial" plug >/dev/null
wait_for 15 video_node >/dev/null
V=$(video_node)
check "plugged again: a video node ($V)" test -c "${V:-/nonexistent}"
stream 3 "$out/d.yuv"
check "plugged again: frames ($(stat -c %s "$out/d.yuv" 2>/dev/null) bytes)" \
	test "$(stat -c %s "$out/d.yuv" 2>/dev/null || echo 0)" -eq $((3 * frame))

finish
