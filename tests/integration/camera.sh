#!/usr/bin/env bash
# The simulated reader's camera from the host: the UVC camera (uvcvideo over
# the GadgetFS reader) of the same USB device as /dev/mncrN, "mncr capture"
# saving frames (PGM and PNG), a face in the "person" scene and none after
# "ctl camera nobody", the frame rate, and an unplug in the middle of a
# capture (a clean error, no hang). Runs in the test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

T=$BUILD/itest/camera_face
MODELS=$BUILD/models
out=$(mktemp -d)

if [ ! -x "$T" ]; then
	fail "camera_face built" "no $T: make build/itest/camera_face"
	finish
fi
if [ ! -e "$MODELS/tiny_face_detector_model.bin" ]; then
	echo "SKIP: no face models in $MODELS (make deps)"
	exit 0
fi

# The reader as hardware presents it: one device, its camera UVC.
gadgetfs_or_skip
export MNCR_SIM_GADGET=gadgetfs
bus_setup
plug CAM1 --camera person || { fail "plug CAM1 --camera person" "failed"; finish; }
pass "plug CAM1 --camera person"
n=$(node CAM1)
d=/sys/class/mncr/$(basename "$n")/device
usbdev=$(dirname "$(readlink -f "$d")")

# The camera interface belongs to the same USB device as the reader's node.
cam_if=$(for i in "$usbdev"/*:1.*; do
	[ "$(cat "$i/interface" 2>/dev/null)" = "mncr camera" ] && echo "$i"
done)
check "camera interface on the reader's USB device" test -n "$cam_if"
check "camera interface is interface 2" test "$(cat "$cam_if/bInterfaceNumber" 2>/dev/null)" = 02
check "mncr driver on interface 0, uvcvideo on the camera" \
	test "$(basename "$(readlink "$d")")" = "$(basename "$usbdev"):1.0" -a \
	"$(basename "$(readlink -f "$cam_if/driver")")" = uvcvideo
video=$(ls -d "$cam_if"/video4linux/video* 2>/dev/null | head -n 1)
video=/dev/${video##*/}

# mncr capture, found from the reader (--reader serial and --device node).
# The first frame waits for the simulator to place the face (seconds under TCG).
"$MNCR" capture --reader CAM1 -o "$out/person.pgm" --timeout 60000 --json >"$out/json" 2>"$out/err"
rc=$?
check "capture --reader CAM1 exits 0 ($(head -c 200 "$out/err"))" test $rc -eq 0
check "capture --json names the camera of that device ($video)" \
	grep -q "\"camera\": *\"$video\"" "$out/json"
check "frame is a 640x480 PGM" test "$(head -c 15 "$out/person.pgm" | tr '\n' ' ')" = "P5 640 480 255 "
check "frame size" test "$(stat -c %s "$out/person.pgm")" -eq $((15 + 640 * 480))
"$T" "$MODELS" "$out/person.pgm" >"$out/face" 2>&1
rc=$?
check "person: the frame has a face ($(cat "$out/face"))" test $rc -eq 0

"$MNCR" capture --device "$n" --frames 30 -o "$out/person.png" >"$out/rate" 2>"$out/err"
check "capture --device --frames 30 to PNG exits 0" test $? -eq 0
check "PNG signature" test "$(head -c 4 "$out/person.png" | tail -c 3)" = PNG
"$T" "$MODELS" "$out/person.png" >/dev/null 2>&1
check "PNG frame has a face" test $? -eq 0
echo "rate: $(cat "$out/rate")"
sim CAM1 status | grep -E '^camera_(frames|fps)='

# Switch the scene at run time: the empty room has no face.
check "ctl camera nobody" sh -c "'$SIM' ctl --serial CAM1 camera nobody | grep -qx 'ok camera nobody'"
check "status camera=nobody" sh -c "'$SIM' ctl --serial CAM1 status | grep -qx camera=nobody"
# The frame already queued before the switch comes first: keep the third.
"$MNCR" capture --reader CAM1 --frames 3 -o "$out/nobody.pgm" 2>"$out/err"
check "capture after the switch exits 0" test $? -eq 0
"$T" "$MODELS" "$out/nobody.pgm" >"$out/face" 2>&1
rc=$?
check "nobody: no face ($(cat "$out/face"))" test $rc -eq 1
check "ctl camera bogus is refused" sh -c "! '$SIM' ctl --serial CAM1 camera bogus >/dev/null"

# Unplug in the middle of a long capture: a clean error, quickly.
capture_cut unplug "$out" "--reader CAM1" sim CAM1 unplug

# Plugged again, the camera streams again.
sim CAM1 plug >/dev/null
wait_for 10 test -e /dev/mncr/by-serial/CAM1
sim CAM1 camera person >/dev/null
"$MNCR" capture --reader CAM1 --frames 2 -o "$out/again.pgm" 2>"$out/err"
check "capture after plugging again" test $? -eq 0

# Quitting while the host reads: the simulator tears down cleanly.
"$MNCR" capture --reader CAM1 --frames 100000 -o "$out/quit.pgm" 2>/dev/null &
pid=$!
sleep 1
sim CAM1 quit >/dev/null
wait_for 15 sh -c "! kill -0 $pid 2>/dev/null"
check "capture ends when the simulator quits" sh -c "! kill -0 $pid 2>/dev/null"
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "nothing of CAM1 left in configfs" test ! -e /sys/kernel/config/usb_gadget/mncr-CAM1

rm -rf "$out"
finish
