#!/bin/bash
# Drains the container before Azure deletes, reboots or redeploys this instance. With the scale
# set's terminate notification on, Azure announces an instance's deletion (scale-in, or the old
# instances a maxSurge rollout removes) as a Scheduled Event and waits until it is approved or
# times out.
# https://learn.microsoft.com/azure/virtual-machines/linux/scheduled-events
set -euo pipefail

# shellcheck source=/dev/null
. /etc/default/web

readonly events="http://169.254.169.254/metadata/scheduledevents?api-version=2020-07-01"

self=$(curl -fsS --retry 10 --retry-connrefused -H Metadata:true \
  "http://169.254.169.254/metadata/instance/compute/name?api-version=2021-02-01&format=text")

while true; do
  # The first request also enrols the instance in Scheduled Events.
  if doc=$(curl -fsS -H Metadata:true "$events"); then
    event_id=$(jq -r --arg self "$self" '
      first(.Events[]
        | select(.EventType == "Terminate" or .EventType == "Reboot" or .EventType == "Redeploy")
        | select(any(.Resources[]; . == $self))
        | .EventId) // empty' <<<"$doc")
    if [[ -n "$event_id" ]]; then
      echo "web-drain: ${event_id} scheduled; stopping the container, which drains for ${DRAIN_SECONDS} s"
      # SIGTERM makes the app fail its health check (the load balancer stops new connections
      # within 10 s) and finish in-flight requests before it exits.
      docker stop --time "$STOP_TIMEOUT_SECONDS" web || true
      jq -nc --arg id "$event_id" '{StartRequests: [{EventId: $id}]}' |
        curl -fsS -H Metadata:true -X POST --data @- "$events"
      exit 0
    fi
  fi
  sleep 5
done
