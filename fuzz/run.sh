#!/usr/bin/env bash
# Runs every fuzz target for a bounded time with a corpus seeded from the
# test vectors and the CLI cases' inputs.
#   bash fuzz/run.sh            # 60 s per target
#   FUZZ_SECONDS=10 bash fuzz/run.sh
#
# The toolchain here is stable. cargo-fuzz builds libFuzzer targets on
# stable with --sanitizer none (coverage instrumentation uses only stable
# -C flags); AddressSanitizer would need nightly's -Zsanitizer, and the code
# under test is safe Rust. The tool, pinned, comes from
# scripts/cargo-tools.sh (into .tools/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/cargo-tools.sh cargo-fuzz
export PATH="$PWD/.tools/bin:$PATH"
seconds=${FUZZ_SECONDS:-60}
# A fixed seed (CI sets FUZZ_SEED=1) keeps a short run from failing on one
# day and passing on the next; 0 lets libFuzzer pick one.
seed=${FUZZ_SEED:-0}
targets=(derive input region profile verify vectors template)

# Seeds: secrets, passwords and whole lines of the vectors; every CLI case's
# standard input and input files; the documented templates.
corpus=fuzz/corpus
for t in "${targets[@]}"; do mkdir -p "$corpus/$t"; done
python3 - "$corpus" <<'PY'
import glob, hashlib, json, os, sys
corpus = sys.argv[1]
def put(target, data):
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)
for path in glob.glob("crates/ses-smtp-credentials/tests/vectors/*.jsonl"):
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        v = json.loads(line)
        put("vectors", line.encode())
        put("input", v["secret"].encode())
        put("derive", bytes([len(v.get("region", ""))]) + v.get("region", "").encode() + v["secret"].encode())
        put("verify", v["password"].encode())
        if "region" in v:
            put("region", v["region"].encode())
import tomllib
for path in glob.glob("tests/cmd/*/*.toml"):
    stdin = tomllib.load(open(path, "rb")).get("stdin")
    if stdin is not None:
        put("input", stdin.encode())
for path in glob.glob("tests/cmd/*/*.stdin"):
    put("input", open(path, "rb").read())
for path in glob.glob("tests/cmd/*/*.in/credentials") + glob.glob("tests/cmd/profile/profiles/credentials"):
    put("profile", open(path, "rb").read())
for path in glob.glob("docs/templates/*"):
    put("template", open(path, "rb").read())
# Inputs that once failed, named TARGET-what.
for path in glob.glob("fuzz/regressions/*"):
    put(os.path.basename(path).split("-")[0], open(path, "rb").read())
PY

cargo fuzz build --sanitizer none -O
status=0
for t in "${targets[@]}"; do
  log=$(mktemp)
  if cargo fuzz run --sanitizer none -O "$t" "$corpus/$t" -- \
      -max_total_time="$seconds" -seed="$seed" -max_len=4096 -print_final_stats=1 >"$log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1)
    echo "fuzz $t: ok ($runs in ${seconds}s)"
  else
    echo "fuzz $t: FAILED; see fuzz/artifacts/$t"
    tail -30 "$log"
    status=1
  fi
  rm -f "$log"
done
exit $status
