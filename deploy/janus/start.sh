#!/bin/sh
# Starts one Janus media server (VideoRoom only) configured from the environment: the same
# script serves the docker-compose `media` service, `make run` and tests/harness.py.
#
#   JANUS_ADMIN_SECRET    required: the Admin API secret; also the VideoRoom admin_key (only
#                         the holder may create rooms) - Django holds it, browsers never do
#   JANUS_HTTP_PORT       Janus API for browsers (default 8088, path /janus)
#   JANUS_ADMIN_PORT      Admin API for Django (default 7088, path /admin)
#   JANUS_BIND_IP         address both HTTP servers listen on (default 0.0.0.0)
#   JANUS_ADMIN_BIND_IP   address of the Admin API alone (default JANUS_BIND_IP)
#   JANUS_RTP_PORTS       UDP port range for media (default 20000-20999: open it in the firewall)
#   JANUS_ICE_INTERFACES  only gather ICE candidates on these interfaces (e.g. eth0)
#   JANUS_NAT_1_1         public IP to announce when behind a 1:1 NAT (cloud hosts)
#   JANUS_STUN            STUN server host:port, when Janus must discover its public address
#   JANUS_SESSION_TIMEOUT seconds without a keepalive before Janus drops a session (default 30)
#   JANUS_CONFIG_DIR      where to write the configuration (default a fresh temporary folder)
#   JANUS_PLUGINS_ROOT    folder holding plugins/ and transports/ (found when unset)
#   JANUS_DEBUG_LEVEL     0-7 (default 4)
#
# Browsers authenticate with per-user tokens that Django adds and removes through the Admin API
# (token_auth, stored tokens): Janus has no API secret, so a request without a valid token is
# refused. Rooms are created by Django only (admin_key), each with its own secret.
set -eu

: "${JANUS_ADMIN_SECRET:?set JANUS_ADMIN_SECRET}"
HTTP_PORT="${JANUS_HTTP_PORT:-8088}"
ADMIN_PORT="${JANUS_ADMIN_PORT:-7088}"
BIND_IP="${JANUS_BIND_IP:-0.0.0.0}"
ADMIN_BIND_IP="${JANUS_ADMIN_BIND_IP:-$BIND_IP}"
RTP_PORTS="${JANUS_RTP_PORTS:-20000-20999}"
SESSION_TIMEOUT="${JANUS_SESSION_TIMEOUT:-30}"
CONFIG_DIR="${JANUS_CONFIG_DIR:-$(mktemp -d)}"
DEBUG_LEVEL="${JANUS_DEBUG_LEVEL:-4}"

if [ -z "${JANUS_PLUGINS_ROOT:-}" ]; then
  for candidate in /usr/lib/*/janus /usr/lib/janus /usr/local/lib/janus /opt/janus/lib/janus; do
    if [ -e "$candidate/plugins/libjanus_videoroom.so" ]; then JANUS_PLUGINS_ROOT="$candidate"; break; fi
  done
fi
if [ -z "${JANUS_PLUGINS_ROOT:-}" ]; then
  echo "Janus's VideoRoom plugin was not found: install janus (Debian: apt-get install janus)" >&2
  exit 1
fi

mkdir -p "$CONFIG_DIR"
# Quote a value for the configuration files (libconfig strings).
q() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

cat > "$CONFIG_DIR/janus.jcfg" <<EOF
general: {
	configs_folder = $(q "$CONFIG_DIR")
	plugins_folder = $(q "$JANUS_PLUGINS_ROOT/plugins")
	transports_folder = $(q "$JANUS_PLUGINS_ROOT/transports")
	events_folder = $(q "$JANUS_PLUGINS_ROOT/events")
	loggers_folder = $(q "$JANUS_PLUGINS_ROOT/loggers")
	debug_level = $DEBUG_LEVEL
	server_name = "expo-media"
	token_auth = true
	admin_secret = $(q "$JANUS_ADMIN_SECRET")
	session_timeout = $SESSION_TIMEOUT
	protected_folders = ["/bin", "/boot", "/dev", "/etc", "/initrd", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr"]
}
certificates: {
}
media: {
	rtp_port_range = $(q "$RTP_PORTS")
}
nat: {
	nice_debug = false
	ice_ignore_list = "vmnet"
}
plugins: {
	disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}
transports: {
	disable = "libjanus_websockets.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"
}
loggers: {
	disable = "libjanus_jsonlog.so"
}
events: {
	broadcast = false
	disable = "libjanus_gelfevh.so,libjanus_mqttevh.so,libjanus_nanomsgevh.so,libjanus_rabbitmqevh.so,libjanus_sampleevh.so,libjanus_wsevh.so"
}
EOF

cat > "$CONFIG_DIR/janus.transport.http.jcfg" <<EOF
general: {
	json = "plain"
	base_path = "/janus"
	http = true
	port = $HTTP_PORT
	ip = $(q "$BIND_IP")
	https = false
}
admin: {
	admin_base_path = "/admin"
	admin_http = true
	admin_port = $ADMIN_PORT
	admin_ip = $(q "$ADMIN_BIND_IP")
	admin_https = false
}
cors: {
}
EOF

cat > "$CONFIG_DIR/janus.plugin.videoroom.jcfg" <<EOF
general: {
	admin_key = $(q "$JANUS_ADMIN_SECRET")
	lock_rtp_forward = true
}
EOF

set -- --configs-folder="$CONFIG_DIR" --config="$CONFIG_DIR/janus.jcfg" \
  --debug-level="$DEBUG_LEVEL" --disable-colors --rtp-port-range="$RTP_PORTS" \
  --session-timeout="$SESSION_TIMEOUT" --token-auth "$@"
[ -n "${JANUS_ICE_INTERFACES:-}" ] && set -- "$@" --ice-enforce-list="$JANUS_ICE_INTERFACES"
[ -n "${JANUS_NAT_1_1:-}" ] && set -- "$@" --nat-1-1="$JANUS_NAT_1_1"
[ -n "${JANUS_STUN:-}" ] && set -- "$@" --stun-server="$JANUS_STUN"
exec "${JANUS_BIN:-janus}" "$@"
