#!/usr/bin/env bash
# The timed stress-scaling runs, for an idle machine (the numbers mean something only without other jobs).
#   docs/results/stress-scaling/timed-run.sh OUTDIR [SILO_BOARDS] [SIZES] [CLIENT_BOARDS]
# Writes into OUTDIR:
#   silo-bench/  silo-bench.json, silo-bench.csv, silo-bench.png: fleet-100x5 at SILO_BOARDS boards (default 150) in-process,
#                then on 1, 2 and 3 silo processes of this machine, each sharing all cores and pinned one core per silo
#                (taskset); its own redis-server on a free loopback port (Debian redis-server must be installed).
#   sizes/       bench.json, bench.png, bench-profile.png: fleet-100x5 at SIZES boards (default 100,1000) on one process.
#   client/      silo-bench.json, .csv, .png: fleet-short.json (fleet-100x5 cut to 0.05 years: cheap lineages) at CLIENT_BOARDS
#                boards (default 300) in-process and on 3 silos; its client_cpu_ms_per_lineage column is the fleet client's
#                processor time per lineage when it hands lineages out as fast as the silos take them.
#   timed-run.log  the commands' output, load averages, and wall time of each part.
# Expected on an idle 2-core machine (0.3 processor-s per lineage in session 4, less since mortalhil is built without
# tiered compilation): silo bench about 4-5 min, sizes about 3-4 min, client about 2-3 min. Every part prints its load
# average before each configuration.
set -euo pipefail
out=${1:?usage: timed-run.sh OUTDIR [SILO_BOARDS] [SIZES] [CLIENT_BOARDS]}
silo_boards=${2:-150}
sizes=${3:-100,1000}
client_boards=${4:-300}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
log="$out/timed-run.log"
bin=$(mktemp -d /tmp/mortalhil-timed-run.XXXXXX)
trap 'rm -rf "$bin"' EXIT
command -v redis-server >/dev/null || { echo "error: redis-server is not installed (apt-get install redis-server)" >&2; exit 2; }
command -v taskset >/dev/null || { echo "error: taskset is not installed (apt-get install util-linux)" >&2; exit 2; }

echo "== build $(date -u +%FT%TZ)" | tee "$log"
dotnet build "$repo/firmware-host/MortalHil.Host/MortalHil.Host.csproj" -c Release -o "$bin" -v q -nologo >>"$log" 2>&1
mortalhil="$bin/mortalhil"
scenario="$repo/sim/scenarios/fleet-100x5.json"
echo "machine: $(nproc) cores, $(uname -r); load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"

run() {
  local name=$1; shift
  local start=$SECONDS
  echo "== $name $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg): $*" | tee -a "$log"
  "$@" >>"$log" 2>&1
  echo "== $name done in $((SECONDS - start)) s, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
}

run silo-bench "$mortalhil" stress bench "$scenario" --out "$out/silo-bench" --boards "$silo_boards" --silos 1,2,3
run sizes "$mortalhil" stress bench "$scenario" --out "$out/sizes" --boards "$sizes"
run client "$mortalhil" stress bench "$repo/docs/results/stress-scaling/fleet-short.json" --out "$out/client" --boards "$client_boards" --silos 3
echo "wrote $out" | tee -a "$log"
