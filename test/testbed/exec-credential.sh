#!/bin/sh
# kubectl / client-go exec credential plugin for the test bed's "exec" user.
# Usage (from a kubeconfig exec block): exec-credential.sh TOKEN_FILE
# Prints an ExecCredential carrying the bearer token stored in TOKEN_FILE,
# the way cloud login helpers (aws eks get-token, gke-gcloud-auth-plugin) do.
set -eu
token_file="${1:?usage: exec-credential.sh TOKEN_FILE}"
token="$(cat "$token_file")"
printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$token"
