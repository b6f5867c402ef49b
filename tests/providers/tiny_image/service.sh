#!/bin/sh
echo "service starting: READY_AFTER=${READY_AFTER:-0} EXIT_CODE=${EXIT_CODE:-}"
if [ -n "${EXIT_CODE:-}" ]; then echo "failing on purpose"; exit "$EXIT_CODE"; fi
sleep "${READY_AFTER:-0}"
touch /tmp/ready
echo "service ready"
exec sleep infinity
