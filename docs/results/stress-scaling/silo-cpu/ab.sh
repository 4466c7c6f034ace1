#!/usr/bin/env bash
# Processor seconds of one stress run in-process or in one silo process, with given runtime settings (environment).
#   ab.sh inproc|silo LABEL BOARDS [VAR=VALUE ...]
# Env: BIN (folder with the built mortalhil, default out/bin), WORK (scratch, default out/ab), WARM (warm-up lineages,
# default 4), REDIS (HOST:PORT of a running redis-server, silo mode), PERF=1 (perf record the timed run), CORE (taskset).
# inproc: `stress bench --boards WARM,BOARDS` in one process; its bench.json gives the BOARDS run's processor seconds.
# silo:   starts `mortalhil node` with the settings, runs WARM lineages through it (`stress --cluster`), then times BOARDS
#         lineages; the silo's processor seconds are read from /proc before and after the timed run.
# Prints one line: LABEL, mode, boards, processor seconds, wall seconds, load average.
set -euo pipefail
mode=$1; label=$2; boards=$3; shift 3
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
bin=${BIN:-$repo/out/bin}/mortalhil
work=${WORK:-$repo/out/ab}; mkdir -p "$work"; cd "$work"
scenario=$repo/sim/scenarios/fleet-100x5.json
warm=${WARM:-4}
cpu() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; }   # utime + stime, in seconds (USER_HZ 100)
if [ "$mode" = inproc ]; then
  rm -rf "ip-$label"
  env "$@" nice -n 19 "$bin" stress bench "$scenario" --out "ip-$label" --boards "$warm,$boards" > "ip-$label.log" 2>&1 &
  pid=$!
  if [ -n "${PERF:-}" ]; then
    while [ ! -f "ip-$label/boards-$warm/stress.json" ] && kill -0 $pid 2>/dev/null; do sleep 0.2; done
    nice -n 19 perf record -e cpu-clock -F 99 -g -p $pid -o "ip-$label.perf.data" > /dev/null 2>&1 & perfpid=$!
  fi
  wait $pid
  [ -n "${perfpid:-}" ] && { kill -INT $perfpid; wait $perfpid || true; }
  python3 -c "import json; p=json.load(open('ip-$label/bench.json'))['points'][-1]; print('$label inproc boards=%d cpu=%.2f wall=%.1f load=%.1f env=[$*]' % (p['boards'], p['cpu_seconds'], p['wall_seconds'], p['load_average_before']))"
else
  redis=${REDIS:?silo mode needs REDIS=HOST:PORT of a running redis-server}
  cid="ab-$label-$RANDOM"
  echo "{\"node\":\"ab-$label\",\"boards\":[]}" > "ab-$label.node.json"
  pre=(); [ -n "${CORE:-}" ] && pre=(taskset -c "$CORE")
  env "$@" nice -n 19 "${pre[@]}" "$bin" node "ab-$label.node.json" --cluster "$redis" --cluster-id "$cid" --fast-failover > "ab-$label.silo.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -q joined "ab-$label.silo.log" && break; sleep 1; done
  nice -n 19 "$bin" stress "$scenario" --out "ab-$label-warm" --boards "$warm" --cluster "$redis" --cluster-id "$cid" > "ab-$label-warm.log" 2>&1
  a=$(cpu $pid); t0=$(date +%s.%N)
  [ -n "${PERF:-}" ] && { nice -n 19 perf record -e cpu-clock -F 99 -g -p $pid -o "ab-$label.perf.data" > /dev/null 2>&1 & perfpid=$!; }
  nice -n 19 "$bin" stress "$scenario" --out "ab-$label-run" --boards "$boards" --cluster "$redis" --cluster-id "$cid" > "ab-$label-run.log" 2>&1
  t1=$(date +%s.%N); b=$(cpu $pid)
  [ -n "${perfpid:-}" ] && { kill -INT $perfpid; wait $perfpid || true; }
  kill $pid; wait $pid 2>/dev/null || true
  echo "$label silo boards=$boards cpu=$(echo "$b - $a" | bc) wall=$(echo "$t1 - $t0" | bc) load=$(cut -d' ' -f1 /proc/loadavg) env=[$*]"
fi
