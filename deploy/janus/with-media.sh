#!/bin/sh
# `make run`: run the given command (the development server) with a local Janus media server
# beside it when janus is installed, so that going live works in the embedded mode too; say
# what is missing when it is not (the live room then explains it as well).
set -eu
if ! command -v janus >/dev/null 2>&1; then
  echo "  Live video is off: install Janus to try it (Debian/Ubuntu: apt-get install janus janus-tools ffmpeg)."
  exec "$@"
fi
VAR="${VAR_DIR:-var}"
mkdir -p "$VAR/janus"
SECRET_FILE="$VAR/janus/admin-secret"
if [ ! -s "$SECRET_FILE" ]; then
  (umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$SECRET_FILE")
fi
JANUS_ADMIN_SECRET="$(cat "$SECRET_FILE")"
HTTP_PORT="${JANUS_HTTP_PORT:-8088}"
ADMIN_PORT="${JANUS_ADMIN_PORT:-7088}"
JANUS_ADMIN_SECRET="$JANUS_ADMIN_SECRET" JANUS_BIND_IP=127.0.0.1 JANUS_CONFIG_DIR="$VAR/janus/conf" \
  JANUS_HTTP_PORT="$HTTP_PORT" JANUS_ADMIN_PORT="$ADMIN_PORT" \
  sh "$(dirname "$0")/start.sh" > "$VAR/janus/log" 2>&1 &
JANUS_PID=$!
trap 'kill "$JANUS_PID" 2>/dev/null || true' EXIT INT TERM
export JANUS_ADMIN_SECRET
export JANUS_URL="http://127.0.0.1:$HTTP_PORT/janus"
export JANUS_ADMIN_URL="http://127.0.0.1:$ADMIN_PORT/admin"
echo "  Live video: Janus at $JANUS_URL (its log: $VAR/janus/log)."
"$@"
