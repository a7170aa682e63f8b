#!/bin/bash
# Shutdown script rendered by providers/gcp/startup.ts.
docker stop --time 35 web || true
