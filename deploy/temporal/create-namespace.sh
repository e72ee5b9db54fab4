#!/bin/sh
# Wait for the Temporal server to serve, then make sure PeerPrep's namespace exists and answers
# (the `temporal-namespace` one-shot service of docker-compose.yml; safe to repeat). PeerPrep
# registers its own search attributes in this namespace when a web or worker process starts
# (orchestration/namespace.py), so nothing else is set up here.
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is not set}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-168h}"

# Up to about two minutes for each step: a first start runs the schema setup and boots every
# Temporal service before the frontend answers.
retry() {
  attempt=1
  until "$@" >/dev/null 2>&1; do
    if [ "$attempt" -ge 60 ]; then
      echo "gave up: $*" >&2
      "$@"
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

retry temporal operator cluster health --address "$TEMPORAL_ADDRESS"
echo "Temporal at $TEMPORAL_ADDRESS is serving"

if temporal operator namespace describe --namespace "$namespace" --address "$TEMPORAL_ADDRESS" \
  >/dev/null 2>&1; then
  echo "namespace $namespace exists"
else
  temporal operator namespace create --namespace "$namespace" --retention "$retention" \
    --address "$TEMPORAL_ADDRESS"
  echo "namespace $namespace created (retention $retention)"
fi

# A new namespace takes a few seconds to reach the frontend's cache; the services that depend on
# this one start only once it answers the call they make first.
retry temporal operator search-attribute list --namespace "$namespace" --address "$TEMPORAL_ADDRESS"
echo "namespace $namespace is ready"
