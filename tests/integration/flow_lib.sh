# shellcheck shell=bash
# Helpers for the qualification-flow tests and the demo (sourced after
# lib.sh): the reference eligibility service trusting the simulator's card
# CA, a simulated reader, and 'mncr qualify' with scripted answers.
#
#   flow_start SERIAL [mncr-sim options]   bus, reader, PKI, mncr-eligd,
#                                           and the reader's events into
#                                           the audit log (as the
#                                           mncr-audit@ unit does)
#   qualify NAME ANSWERS [qualify options]  runs one session: ANSWERS are
#                                           the lines typed (one per
#                                           question, '|' between them);
#                                           the card is taken out when
#                                           the flow asks for it
#   flow_stop
#   tmp_files, tmp_leaks BEFORE TEXT       files under /tmp, /var/tmp and
#                                           /dev/shm; those created since
#                                           the listing BEFORE that hold
#                                           TEXT, outside the session folder

# The reader as it is built: one GadgetFS device, its camera through
# uvcvideo and libv4l2; MNCR_SIM_GADGET=configfs|gadgetfs chooses. On a
# kernel whose dummy_hcd lacks two fixes (dummy_hcd_fixed in lib.sh: the
# 6.12.95 of Debian 12's backports), the configfs reader and its vendor
# bulk camera: there a GadgetFS reader corrupted slab memory at an unplug.
if [ -z "${MNCR_SIM_GADGET:-}" ]; then
	if dummy_hcd_fixed; then
		MNCR_SIM_GADGET=gadgetfs
	else
		MNCR_SIM_GADGET=configfs
	fi
fi
FLOW=${FLOW:-$(mktemp -d /tmp/mncr-flow.XXXXXX)}
# A private TMPDIR for the programs under test: whatever they leave there
# is theirs (tmp_leaks looks at it with the rest).
FLOW_TMP=$(mktemp -d /tmp/mncr-flow-tmp.XXXXXX)
export TMPDIR=$FLOW_TMP
FLOW_PKI=${MNCR_FLOW_PKI:-/tmp/mncr-flow-pki}
SIM_PKI=${MNCR_SIM_PKI_DIR:-/run/mncr-sim/pki}
ELIGD=$BUILD/mncr-eligd
MODELS=${MNCR_MODELS:-$BUILD/models}
AUDIT=$FLOW/audit.log
ELIGD_PID=
EVENTS_PID=
FLOW_SERIAL=

# The subscribers: the simulator's card certificates by serial number
# (ccid_card.c: valid 1001, expired 1002, revoked 1003), so that a refusal
# comes from the certificate check and not from an unknown card.
eligd_db() {
	local s
	for s in 1001 1002 1003; do
		set -- "$@" --add-subscriber "$s:06139998:記号:71825364:01:030:ア"
	done
	"$ELIGD" --db "$FLOW/db.sqlite" --init-db "$@"
}

eligd_start() {
	rm -f "$FLOW/port"
	"$ELIGD" --daemon --listen 127.0.0.1:0 --port-file "$FLOW/port" \
		--pidfile "$FLOW/eligd.pid" --log "$FLOW/eligd.log" \
		--cert "$FLOW_PKI/service.pem" --key "$FLOW_PKI/service.key" \
		--client-ca "$FLOW_PKI/site-ca.pem" --card-ca "$SIM_PKI/ca.pem" \
		--crl "$SIM_PKI/crl.pem" --db "$FLOW/db.sqlite" --timeout 5 ||
		return 1
	ELIGD_PID=$(cat "$FLOW/eligd.pid")
	PORT=$(cat "$FLOW/port")
}

eligd_stop() {
	[ -n "$ELIGD_PID" ] || return 0
	kill -TERM "$ELIGD_PID" 2>/dev/null
	wait_for 5 sh -c "! kill -0 $ELIGD_PID 2>/dev/null"
	ELIGD_PID=
}

# flow_start SERIAL [mncr-sim options]
flow_start() {
	FLOW_SERIAL=$1
	shift
	bus_setup
	"$REPO/tests/pki/make-pki" "$FLOW_PKI" > "$FLOW/pki.log" 2>&1 || return 1
	# The simulator makes an RSA-2048 card key before the reader is
	# ready, which under TCG on a busy host can take longer than
	# --daemon waits (30 s): run it in the background and wait longer.
	# The frame clock: the guest reads the camera at 8 to 15 fps under
	# TCG, and at the lower rates a 0.3 s blink can fall between frames.
	"$SIM" --serial "$FLOW_SERIAL" --camera-clock frame \
		${MNCR_SIM_GADGET:+--gadget "$MNCR_SIM_GADGET"} "$@" \
		> "$FLOW/sim.log" 2>&1 &
	wait_for 120 test -e "/dev/mncr/by-serial/$FLOW_SERIAL" || return 1
	wait_for 10 test -s "$SIM_PKI/crl.pem" || return 1
	events_start || return 1
	eligd_db 2>> "$FLOW/eligd-admin.log" || return 1
	eligd_start
}

# The reader's events (mode changes with their reasons, card in and out)
# into the audit log. Each open file's queue starts at open: wait for it.
events_start() {
	"$MNCR" --reader "$FLOW_SERIAL" events --audit --file "$AUDIT" \
		> /dev/null 2> "$FLOW/events.log" &
	EVENTS_PID=$!
	node_open "$EVENTS_PID"
}

flow_stop() {
	if [ -n "$EVENTS_PID" ]; then
		kill "$EVENTS_PID" 2>/dev/null
		wait "$EVENTS_PID" 2>/dev/null
		EVENTS_PID=
	fi
	eligd_stop
	sim "$FLOW_SERIAL" quit > /dev/null 2>&1
	rm -rf "$FLOW_TMP"
	return 0
}

# tmp_files: every file under /tmp, /var/tmp and /dev/shm, sorted. In the
# bed /tmp shows the host's: the caller's own files are there too.
tmp_files() {
	find /tmp /var/tmp /dev/shm -type f 2>/dev/null | LC_ALL=C sort
}

# tmp_leaks BEFORE TEXT: the files not in the listing BEFORE (tmp_files
# then), outside $FLOW, that hold TEXT. Files that were there before are
# the caller's (a log it is still writing), not the programs'.
tmp_leaks() {
	local f
	tmp_files | LC_ALL=C comm -13 "$1" - | grep -v "^$FLOW/" |
		while IFS= read -r f; do
			grep -qsF -- "$2" "$f" && echo "$f"
		done
}

# service_opts: the options that point mncr qualify/selftest at mncr-eligd.
service_opts() {
	echo --service "127.0.0.1:${PORT:-1}" --service-name localhost \
		--service-ca "$FLOW_PKI/site-ca.pem" \
		--cert "$FLOW_PKI/reader.pem" --key "$FLOW_PKI/reader.key"
}

# Removes the card once the flow says it may go (then the session ends).
remover() {
	local out=$1
	local i
	# Once a second: wait_for's 50 ms polling forks enough under TCG to
	# take the camera's and the face pipeline's CPU.
	for ((i = 0; i < 1500; i++)); do
		grep -q 'waiting for the card to be removed' "$out" && break
		sleep 1
	done
	sim "$FLOW_SERIAL" remove > /dev/null 2>&1
}

# qualify NAME ANSWERS [options]: output in $FLOW/NAME.out (transcript)
# and $FLOW/NAME.json (result); exit status in QUALIFY_RC.
qualify() {
	local name=$1 answers=$2 rpid
	shift 2
	: > "$FLOW/$name.out"
	# shellcheck disable=SC2046
	tr '|' '\n' <<<"$answers" |
		"$MNCR" --reader "$FLOW_SERIAL" qualify --json $(service_opts) \
			--audit "$AUDIT" --claim-dir "$FLOW" --models "$MODELS" \
			--ca-keys "$SIM_PKI/cv-ca" \
			--operator nurse01 --wait 10 "$@" \
			> "$FLOW/$name.json" 2> "$FLOW/$name.out" &
	local qpid=$!
	remover "$FLOW/$name.out" &
	rpid=$!
	wait "$qpid"
	QUALIFY_RC=$?
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	# The card is out after every session, whatever happened.
	sim "$FLOW_SERIAL" remove > /dev/null 2>&1
	if [ "$QUALIFY_RC" = 2 ] || [ -n "${FLOW_VERBOSE:-}" ]; then
		sed "s/^/# $name: /" "$FLOW/$name.out"
	fi
	return 0
}

# field NAME KEY: one value of NAME's JSON result (dots for nesting).
field() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    d = d.get(k, "") if isinstance(d, dict) else ""
print(d if not isinstance(d, bool) else str(d).lower())
' "$FLOW/$1.json" "$2" 2>/dev/null
}

# scene_frames NAME SCENARIO N: stand-in camera frames (mncr-sim scene)
# for builds without the camera backend; prints --frame options.
scene_frames() {
	local dir=$FLOW/scene-$1 f
	if [ ! -e "$dir/frame_0000.pgm" ]; then
		mkdir -p "$dir"
		"$SIM" scene "$2" --frames "$3" -o "$dir" > /dev/null 2>&1 || return 1
	fi
	for f in "$dir"/frame_*.pgm; do printf -- '--frame %s ' "$f"; done
}

# flow_capture: CAPTURE=1 when mncr qualify reads the reader's camera
# (selftest says so), unless FLOW_PICTURES is set; else the scenes come as
# --frame pictures (mncr-sim scene). qualify drops each attempt's first
# frame, which may predate a scene switch.
CAPTURE=0
flow_capture() {
	# shellcheck disable=SC2046
	"$MNCR" --reader "$FLOW_SERIAL" selftest --json --models "$MODELS" \
		> "$FLOW/capture.json" 2>/dev/null
	if grep -q '"check":"camera","result":"ok"' "$FLOW/capture.json" &&
	   ! grep -q 'no camera capture' "$FLOW/capture.json" &&
	   [ -z "${FLOW_PICTURES:-}" ]; then
		CAPTURE=1
	else
		CAPTURE=0
	fi
}

# camera SCENE: the camera shows SCENE; prints --frame options when the
# build has no capture.
camera() {
	if [ "$CAPTURE" = 1 ]; then
		# The simulator notices a new scene when the host takes the frame
		# in flight, then places the scene's face: seconds to tens of
		# seconds under TCG, with no frame meanwhile. Take those frames
		# here, so that qualify sees the scene at camera speed.
		sim "$FLOW_SERIAL" camera "$1" > /dev/null
		"$MNCR" capture --reader "$FLOW_SERIAL" -o "$FLOW/warm.pgm" \
			--frames 2 --timeout 120000 > /dev/null 2>&1
	else
		scene_frames "$1" "$1" 45
	fi
}

insert() { sim "$FLOW_SERIAL" insert "$1" > /dev/null; }
