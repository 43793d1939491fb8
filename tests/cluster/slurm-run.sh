#!/bin/sh
# Run rdpneg as a Slurm job array on this machine alone, then check that
# `rdpneg merge` of the shards is the report one run makes, in every format.
#
#   sh tests/cluster/slurm-run.sh [-k] [-n N] [-r path/to/rdpneg] CAPTURE_DIR
#
#   -n N  shards, i.e. array tasks (default 4)
#   -r    the rdpneg binary (default build/analyzer/rdpneg under the
#         repository root)
#   -k    keep the temporary directory (configuration, logs, shard files,
#         reports) and say where it is
#
# As root on Debian 12.  It installs what is missing (slurm-wlm, munge),
# then sets up a private single-node cluster in a temporary directory of
# its own and leaves the system's configuration alone:
#
# - its own munged (own key, socket, seed and PID file, run as the user
#   munge); /etc/munge and a munged already running are not touched;
# - slurm.conf in the temporary directory, used through SLURM_CONF and
#   `-f`, never /etc/slurm/slurm.conf; the node is this host (its CPUs and
#   RealMemory from `slurmd -C`), reached on 127.0.0.1, on ports of its
#   own (SLURM_RUN_PORT and SLURM_RUN_PORT+1, default 16817 and 16818);
# - SlurmUser=root and SlurmdUser=root: no slurm account or file ownership
#   to set up, which is fine for a throwaway test cluster and nothing else;
# - no cgroups (a container often has none to delegate):
#   proctrack/linuxproc, task/none, jobacct_gather/none, no accounting;
# - munged, slurmctld and slurmd started in the foreground in the
#   background (no systemd needed), their PIDs kept, and stopped on exit,
#   also on failure or Ctrl-C, after cancelling any job left.  The daemons
#   the distribution's packages may have started are not ours to stop.
#
# Then: wait until the node is idle; `sbatch --wait --array=0-(N-1)` of
# slurm-shard.sbatch over CAPTURE_DIR; for each format (text, jsonl, csv,
# markdown, html), as is, with --summary and with -a: a single run
# `rdpneg -f F ... CAPTURE_DIR` and `rdpneg merge -f F ... SHARDS`, compared
# byte for byte (cmp) and by exit status.  It prints a table and the wall
# times, and exits 0 only when every merge is identical to its single run.
# Exit status: 0 all identical, 1 a difference, 2 the set-up or the array
# job failed, 64 usage.

set -eu

prog=slurm-run.sh
usage() {
    echo "usage: sh tests/cluster/slurm-run.sh [-k] [-n N] [-r path/to/rdpneg] CAPTURE_DIR" >&2
    exit 64
}
die() {
    echo "$prog: $*" >&2
    exit 2
}

here=$(cd -- "$(dirname -- "$0")" && pwd -P)
repo=$(cd -- "$here/../.." && pwd -P)
batch=$here/slurm-shard.sbatch

shards=4
rdpneg=$repo/build/analyzer/rdpneg
keep=0
while getopts hkn:r: opt; do
    case $opt in
    k) keep=1 ;;
    n) shards=$OPTARG ;;
    r) rdpneg=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
case $shards in
'' | *[!0-9]* | 0*) echo "$prog: -n: $shards: expected a whole number from 1 to 1000" >&2; usage ;;
esac
[ "$shards" -le 1000 ] || { echo "$prog: -n: $shards: expected a whole number from 1 to 1000" >&2; usage; }

# Absolute paths: the tasks run in another directory, and the single run
# and the shards must name the captures the same way.
[ -d "$1" ] || die "$1: not a directory"
captures=$(cd -- "$1" && pwd -P)
if [ ! -f "$rdpneg" ] || [ ! -x "$rdpneg" ]; then
    die "$rdpneg: no executable rdpneg (build it: cmake -B build && cmake --build build, or give -r)"
fi
rdpneg=$(cd -- "$(dirname -- "$rdpneg")" && pwd -P)/$(basename -- "$rdpneg")
[ -r "$batch" ] || die "$batch: missing"
[ "$(id -u)" -eq 0 ] || die "run it as root (it installs packages and starts Slurm's daemons)"

port=${SLURM_RUN_PORT:-16817}
case $port in '' | *[!0-9]*) die "SLURM_RUN_PORT: $port: not a port number" ;; esac

# Milliseconds since the epoch (GNU date).
now_ms() { date +%s%3N; }

# --- packages ---------------------------------------------------------------
missing=
for cmd in munged mungekey munge unmunge slurmctld slurmd sbatch sinfo squeue scancel scontrol; do
    command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
done
if [ -n "$missing" ]; then
    echo "$prog: installing slurm-wlm and munge (missing:$missing)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends slurm-wlm munge
fi
for cmd in setpriv cmp gzip; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd: not found"
done
getent passwd munge >/dev/null || die "no user munge (the munge package creates it)"

# --- the private cluster's directory ----------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rdpneg-slurm.XXXXXX")
pids=
sbatch_pid=
cleanup() {
    status=$?
    trap - EXIT INT TERM HUP
    set +e
    if [ -n "$sbatch_pid" ]; then
        kill "$sbatch_pid" 2>/dev/null
        wait "$sbatch_pid" 2>/dev/null
    fi
    # Jobs first (only this controller's: SLURM_CONF is ours), then the
    # daemons, the last started first.
    if [ -n "$pids" ] && [ -n "${SLURM_CONF:-}" ]; then
        scancel --quiet --user=root >/dev/null 2>&1
        i=0
        while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && [ $i -lt 20 ]; do
            sleep 0.5
            i=$((i + 1))
        done
    fi
    for pid in $pids; do
        kill "$pid" 2>/dev/null
        i=0
        while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do
            sleep 0.5
            i=$((i + 1))
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if [ "$keep" -eq 1 ]; then
        echo "$prog: kept $tmp"
    else
        rm -rf -- "$tmp"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Record a PID: the list is stopped in order, so the newest goes first.
started() { pids="$1${pids:+ $pids}"; }

# The last lines of a daemon's log, then exit 2.
fail_log() {
    echo "$prog: $1; the end of $2:" >&2
    tail -n 20 -- "$2" >&2 2>/dev/null || true
    exit 2
}

# munged checks that each directory on the way to its socket is searchable.
chmod 755 "$tmp"
mkdir -m 700 "$tmp/munge"
mkdir -m 755 "$tmp/munge-run"
mkdir "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/shards" "$tmp/single" "$tmp/merge"

# --- munge -------------------------------------------------------------------
socket=$tmp/munge-run/munge.socket
mungekey --create --keyfile="$tmp/munge/munge.key" >/dev/null
chown munge:munge "$tmp/munge" "$tmp/munge/munge.key" "$tmp/munge-run"
chmod 400 "$tmp/munge/munge.key"
setpriv --reuid=munge --regid=munge --init-groups \
    munged --foreground --socket="$socket" --key-file="$tmp/munge/munge.key" \
    --pid-file="$tmp/munge-run/munged.pid" --seed-file="$tmp/munge/munged.seed" \
    --log-file="$tmp/log/munged.log" >>"$tmp/log/munged.log" 2>&1 &
started $!
i=0
until munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -le 20 ] || fail_log "munged does not answer" "$tmp/log/munged.log"
    sleep 0.5
done

# --- slurm.conf ---------------------------------------------------------------
# `slurmd -C` prints this host's NodeName=... CPUs=... RealMemory=... line.
node_line=$(slurmd -C | sed -n '1{/^NodeName=/p;}')
[ -n "$node_line" ] || die "slurmd -C: no NodeName line"
node=$(printf '%s\n' "$node_line" | sed 's/^NodeName=\([^ ]*\).*/\1/')
export SLURM_CONF="$tmp/slurm.conf"
: >"$tmp/plugstack.conf"
cat >"$SLURM_CONF" <<EOF
# Written by tests/cluster/slurm-run.sh for one test run; removed after it.
ClusterName=rdpneg-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
# root runs the daemons: no slurm account or ownership to set up (a test
# cluster only).
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
PlugStackConfig=$tmp/plugstack.conf
# No cgroups.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MailProg=/bin/true
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

# --- slurmctld, slurmd ----------------------------------------------------------
slurmctld -D -f "$SLURM_CONF" >>"$tmp/log/slurmctld.out" 2>&1 &
started $!
ctld=$!
i=0
until scontrol ping 2>/dev/null | grep -q 'is UP'; do
    kill -0 "$ctld" 2>/dev/null || fail_log "slurmctld exited" "$tmp/log/slurmctld.log"
    i=$((i + 1))
    [ $i -le 60 ] || fail_log "slurmctld does not answer" "$tmp/log/slurmctld.log"
    sleep 0.5
done
slurmd -D -f "$SLURM_CONF" >>"$tmp/log/slurmd.out" 2>&1 &
started $!
slurmd_pid=$!
i=0
state=
while :; do
    state=$(sinfo -h -N -n "$node" -o %t 2>/dev/null || true)
    [ "$state" != idle ] || break
    kill -0 "$slurmd_pid" 2>/dev/null || fail_log "slurmd exited" "$tmp/log/slurmd.log"
    i=$((i + 1))
    [ $i -le 120 ] || fail_log "node $node is '$state', not idle, after 60 s" "$tmp/log/slurmctld.log"
    sleep 0.5
done
echo "$prog: slurmctld (pid $ctld) and slurmd (pid $slurmd_pid) up, node $node idle; $(slurmd -V)"

# --- the job array ----------------------------------------------------------------
# RDPNEG, CAPTURES and OUT reach the tasks through --export=ALL (a path in
# --export=NAME=value would be cut at a comma).
RDPNEG=$rdpneg
CAPTURES=$captures
OUT=$tmp/shards
RDPNEG_SHARD_COUNT=$shards
export RDPNEG CAPTURES OUT RDPNEG_SHARD_COUNT
t0=$(now_ms)
array_status=0
# In the background, so that a signal to this script is acted on at once.
sbatch --wait --array=0-$((shards - 1)) --export=ALL --chdir="$tmp" \
    --output="$tmp/log/shard-%A_%a.out" "$batch" &
sbatch_pid=$!
wait "$sbatch_pid" || array_status=$?
sbatch_pid=
t1=$(now_ms)
array_ms=$((t1 - t0))
echo "$prog: array of $shards tasks ended, sbatch --wait exit status $array_status, $array_ms ms"

set --
k=0
missing=
while [ $k -lt "$shards" ]; do
    f=$OUT/shard-$k.jsonl.gz
    [ -s "$f" ] || missing="$missing $k"
    set -- "$@" "$f"
    k=$((k + 1))
done
if [ "$array_status" -ne 0 ] || [ -n "$missing" ]; then
    for log in "$tmp"/log/shard-*.out; do
        [ -s "$log" ] || continue
        echo "--- $log" >&2
        tail -n 10 -- "$log" >&2
    done
fi
[ -z "$missing" ] || die "no shard file from the task(s):$missing"
# A task fails only for an input it could not read (status 2) or worse;
# the merge must then say 2 as the single run does, so compare anyway.

# --- merge == single run -----------------------------------------------------------
printf '\n%-20s %7s %6s %10s %9s %8s\n' "format" "single" "merge" "identical" "single_ms" "merge_ms"
differ=0
single_total=0
merge_total=0
for variant in plain --summary -a; do
    for fmt in text jsonl csv markdown html; do
        if [ "$variant" = plain ]; then
            opt=
            name=$fmt
        else
            opt=$variant
            name="$fmt $variant"
        fi
        tag=$fmt$opt
        s0=$(now_ms)
        single_status=0
        "$rdpneg" -q -f "$fmt" ${opt:+"$opt"} -o "$tmp/single/$tag" "$captures" \
            2>>"$tmp/log/single.err" || single_status=$?
        s1=$(now_ms)
        merge_status=0
        "$rdpneg" merge -q -f "$fmt" ${opt:+"$opt"} -o "$tmp/merge/$tag" "$@" \
            2>>"$tmp/log/merge.err" || merge_status=$?
        s2=$(now_ms)
        same=no
        if [ -f "$tmp/single/$tag" ] && cmp -s "$tmp/single/$tag" "$tmp/merge/$tag" &&
            [ "$single_status" -eq "$merge_status" ]; then
            same=yes
        else
            differ=1
        fi
        single_total=$((single_total + s1 - s0))
        merge_total=$((merge_total + s2 - s1))
        printf '%-20s %7s %6s %10s %9s %8s\n' "$name" "$single_status" "$merge_status" "$same" \
            $((s1 - s0)) $((s2 - s1))
    done
done
echo "(identical: the same bytes, cmp, and the same exit status)"
echo
echo "wall time: array job ($shards tasks, submission to the end of sbatch --wait) $array_ms ms;"
echo "           15 single runs $single_total ms; 15 merges $merge_total ms"
if [ "$differ" -ne 0 ]; then
    if [ "$keep" -eq 1 ]; then
        echo "$prog: FAIL: a merge differs from its single run (the reports: $tmp/single, $tmp/merge)" >&2
    else
        echo "$prog: FAIL: a merge differs from its single run (-k keeps the reports)" >&2
    fi
    exit 1
fi
echo "$prog: OK: every merge of $shards shards is identical to the single run"
