#!/usr/bin/env bash
# Thingyard vs Mosquitto on loopback. Builds Release (server and bench, each into its own artifacts folder), installs
# Mosquitto from Debian's packages if it is missing, raises the open-file limit as far as allowed, and runs the bench:
#
#   bench/run.sh --quick                      # about a minute
#   bench/run.sh --connections 50000          # the full run (the 50k target needs `ulimit -n` above 50,000)
#   bench/run.sh --distribution               # instead: two federated Thingyard instances, distribution time and
#                                             # bootstrap requests/s (no Mosquitto needed)
#   bench/run.sh --console                    # instead: the web console's device list with 10,000 devices
#   bench/run.sh --subscription               # instead: upstream posts with and without an AMQP consumer group and rules
#   bench/run.sh --cluster                    # instead: clusters of 1, 2 and 3 nodes on one PostgreSQL (started by the
#                                             # bench; installs Debian's postgresql if missing)
#   bench/run.sh --help                       # every option
#
# Environment: SERVER_ARTIFACTS (default /tmp/bench-server), BENCH_ARTIFACTS (default /tmp/bench-build),
# SKIP_BUILD=1 to reuse the last builds.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server_artifacts="${SERVER_ARTIFACTS:-/tmp/bench-server}"
bench_artifacts="${BENCH_ARTIFACTS:-/tmp/bench-build}"

needs_mosquitto=1
needs_postgres=0
for arg in "$@"; do
  [[ "$arg" == --distribution || "$arg" == --console || "$arg" == --subscription || "$arg" == --cluster ]] && needs_mosquitto=0
  [[ "$arg" == --cluster ]] && needs_postgres=1
done
for arg in "$@"; do [[ "$arg" == --cluster-postgres ]] && needs_postgres=0; done
if [[ $needs_postgres == 1 ]] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "[run.sh] installing postgresql (Debian package; the system service is not used)" >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y postgresql >/dev/null || { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
  else sudo apt-get install -y postgresql >/dev/null; fi
fi
if [[ $needs_mosquitto == 1 && ! -x /usr/sbin/mosquitto ]]; then
  echo "[run.sh] installing mosquitto (Debian package; the system service is not used)" >&2
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y mosquitto >/dev/null || { apt-get update >/dev/null && apt-get install -y mosquitto >/dev/null; }
  else sudo apt-get install -y mosquitto >/dev/null; fi
fi

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "[run.sh] building Release: server -> $server_artifacts, bench -> $bench_artifacts" >&2
  dotnet build "$repo/src/Thingyard.Server" -c Release --artifacts-path "$server_artifacts" -nologo -v q >&2
  dotnet build "$repo/bench/Thingyard.Bench" -c Release --artifacts-path "$bench_artifacts" -nologo -v q >&2
fi

# Every connection is a descriptor in the server and in the bench: raise the soft limit to the hard one (and the hard
# one too where allowed). The children inherit it.
want=200000
if ! ulimit -Hn "$want" 2>/dev/null; then :; fi
hard="$(ulimit -Hn)"
if [[ "$hard" == unlimited || "$hard" -ge "$want" ]]; then ulimit -Sn "$want"; else ulimit -Sn "$hard"; fi
echo "[run.sh] open-file limit: $(ulimit -Sn) (hard $(ulimit -Hn))" >&2

# The bench kills its children itself on exit, Ctrl-C and SIGTERM; this trap also covers a bench that was killed hard.
work_dir="/tmp/thingyard-bench-$(date -u +%Y%m%d-%H%M%S)"
pids_file="$work_dir/children.pids"
cleanup() {
  if [[ -f "$pids_file" ]]; then
    while read -r pid; do [[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null || true; done <"$pids_file"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

export BENCH_COMMAND="bench/run.sh $*"
export DOTNET_CLI_TELEMETRY_OPTOUT=1
# The load generator runs its socket continuations on the epoll thread: about half the CPU per message, which on a
# 2-core machine is CPU the servers under test get instead. The bench strips DOTNET_* from the servers' environment.
export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1
dotnet "$bench_artifacts/bin/Thingyard.Bench/release/Thingyard.Bench.dll" \
  --server-dll "$server_artifacts/bin/Thingyard.Server/release/Thingyard.Server.dll" --work-dir "$work_dir" "$@"
