#!/usr/bin/env bash
# mncr-sim without a usable face picture (issue 14): it refuses to plug,
# with one line naming the missing file and what provides it, and exit
# status 1; with the pictures it plugs and its card carries the holder's
# photo. Hides each picture in turn under a mount (the guest's root is the
# host's, read-only). Runs in the test bed guest.
set -u
. "$(dirname "$0")/lib.sh"

GADGETS=/sys/kernel/config/usb_gadget
DATA=/usr/share/doc/opencv-doc/examples/data
work=$(mktemp -d)
# LFW would be chosen first when ../shared/face-data is there.
export MNCR_FACE_DATA=

bus_setup

# refused NAME SERIAL PATTERN: mncr-sim exits 1 with one line on stderr
# matching PATTERN, and no gadget or reader of SERIAL exists.
refused() {
	local name=$1 serial=$2 pattern=$3 rc
	"$SIM" --daemon --serial "$serial" > "$work/$serial.out" 2> "$work/$serial.err"
	rc=$?
	check "$name: exit 1 (got $rc)" test "$rc" = 1
	check "$name: one line on stderr ($(head -c 300 "$work/$serial.err"))" \
		test "$(wc -l < "$work/$serial.err")" = 1
	check "$name: the line names it" grep -q -- "$pattern" "$work/$serial.err"
	check "$name: no gadget, no reader" \
		test ! -e "$GADGETS/mncr-$serial" -a ! -e "/dev/mncr/by-serial/$serial"
}

# The committed portrait hidden: the checkout's path and make install's.
mount -t tmpfs none "$REPO/tests/faces"
refused "no portrait" NOFACE1 \
	"no face picture of the card holder: not found at $REPO/tests/faces/eileen_collins.png or .*/share/mncr/faces/eileen_collins.png (mncr's tests/faces/eileen_collins.png"
umount "$REPO/tests/faces"

# opencv-doc's picture of somebody else hidden.
mount -t tmpfs none "$DATA"
refused "no opencv-doc" NOFACE2 \
	"$DATA/messi5.jpg is missing (from the Debian package opencv-doc"
umount "$DATA"

# A portrait that is not a picture.
head -c 48 /dev/urandom > "$work/junk.png"
mount --bind "$work/junk.png" "$REPO/tests/faces/eileen_collins.png"
refused "portrait not a picture" NOFACE3 \
	"not a usable picture: $REPO/tests/faces/eileen_collins.png: unknown image format"
umount "$REPO/tests/faces/eileen_collins.png"

# With the pictures, as on a fresh machine: no MNCR_FACE_DATA and no
# ../shared/face-data (hidden when there): plugged, the card's photo made
# from the portrait.
unset MNCR_FACE_DATA
shared=$(cd "$REPO/.." && pwd)/shared/face-data
[ ! -d "$shared" ] || mount -t tmpfs none "$shared"
# Its start-up diagnostics go to stderr (--log takes over once it is ready).
check "with the pictures: plugged" plug FACE4 --card pinless 2> "$work/FACE4.err"
cat "$work/FACE4.err" >&2
check "the portrait, not LFW" grep -q "card photo from bundled" "$work/FACE4.err"
check "the card photo is the portrait (JPEG 2000)" \
	bash -c "timeout 120 '$MNCR' card --backend usb --reader FACE4 photo -o '$work/photo.jp2' &&
		cmp -n 12 '$work/photo.jp2' <(printf '\0\0\0\x0cjP  \r\n\x87\n') &&
		test \$(stat -c %s '$work/photo.jp2') -gt 1000"
[ ! -d "$shared" ] || umount "$shared"
rm -rf "$work"
finish
