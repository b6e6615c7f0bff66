# Sourced by the A/B timing scripts: `time_ab NAME` runs the caller's run_one ROOT DIR for this checkout's build
# ("now") and then BEFORE's, each in a fresh folder under /tmp, prints the wall time and load average, then the
# caller's report_one ROOT DIR. Usage of a script that sources it, from the repository root after npm run build:
# SCRIPT BEFORE_DIR (a built checkout of the commit to compare with).
BEFORE=${1:?a built checkout to compare with}
NOW=$(pwd)
time_ab() {
  local name=$1 which root dir start end
  for which in now before; do
    root=$NOW; [ "$which" = before ] && root=$BEFORE
    dir=$(mktemp -d "/tmp/$name-$which-XXXX")
    start=$(date +%s.%N)
    (cd "$dir" && run_one "$root" "$dir" > out.log 2>&1)
    end=$(date +%s.%N)
    echo "$which $(git -C "$root" rev-parse --short HEAD 2>/dev/null || basename "$root") wall $(echo "$end - $start" | bc) s, load $(cut -d' ' -f1-3 /proc/loadavg)"
    report_one "$root" "$dir"
  done
}
