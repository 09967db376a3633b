#!/usr/bin/env bash
# Runs Topiary's engine on CUDA on an offline GPU machine that has PyTorch (python3), CUDA and g++,
# from the bundle bench/gpu/bundle.sh writes to .gpu/. It compiles DJL 0.32.0's JNI against that
# machine's own libtorch (or takes .gpu/prebuilt/libdjl_torch.so), points DJL at it
# (PYTORCH_LIBRARY_PATH), then runs the stages named:
#   smoke       bench LeNet-5 once on the GPU
#   pipeline    train ResNet-20 on Fashion-MNIST, evaluate on GPU and CPU, HRank on GPU and CPU
#               (ranks compared), prune to -50% FLOPs with a fine-tuning epoch, evaluate, latency
#   throughput  Topiary's bench beside bench/torch_reference.py --device cuda, two rounds per model
#   throughput2 as throughput, with the bundle's OLD_JAR timed too
#   junit       the engine's whole test suite: DJL's default device is then the GPU, which every test
#               that allocates without naming a device, or before a CLI test sets --device cpu, uses
# Logs go to $OUT (default /tmp/out). Usage, from the repository root: bench/gpu/check.sh STAGE...
set -u
ROOT="$(pwd)"; G="$ROOT/.gpu"; OUT="${OUT:-/tmp/out}"; mkdir -p "$OUT"; OUT="$(cd "$OUT" && pwd)"
log() { echo "== $(date +%T) $*"; }
TD=$(python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))'); TL=$TD/lib
ABI=$(python3 -c 'import torch;print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
TV=$(python3 -c 'import torch;print(torch.__version__.split("+")[0])')
{
  log probe
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  python3 -c 'import torch;print("torch", torch.__version__, "cuda", torch.version.cuda, "gpus", torch.cuda.device_count())'
  g++ --version | head -1; nproc
} 2>&1 | tee "$OUT/probe.log"

if [ -f "$G/prebuilt/libdjl_torch.so" ]; then
  cp "$G/prebuilt/libdjl_torch.so" "$TL/libdjl_torch.so"
else
  log jni build | tee -a "$OUT/probe.log"
  rm -f "$TL/libdjl_torch.so"
  INC="-I$G/djl/include -I$G/djl/api -I$G/jni -I$G/jni/linux -I$TD/include -I$TD/include/torch/csrc/api/include"
  for h in cuda_runtime_api.h cublas_v2.h cusparse.h cusolverDn.h cublasLt.h cudnn.h; do
    d=$(find /usr/local /opt "$TD/.." -name $h 2>/dev/null | head -1); [ -n "$d" ] && INC="$INC -I$(dirname "$d")"
  done
  rm -rf /tmp/djlobj && mkdir -p /tmp/djlobj
  export INC ABI G
  (cd "$G/djl/src" && ls *.cc) | xargs -P "$(nproc)" -I{} bash -c \
    'g++ -c -fPIC -O2 -std=c++17 -DUSE_CUDA -D_GLIBCXX_USE_CXX11_ABI=$ABI $INC -w "$G/djl/src/{}" -o "/tmp/djlobj/{}.o" || echo "FAILED {}"' \
    2>&1 | tee -a "$OUT/probe.log"
  grep -q FAILED "$OUT/probe.log" && { echo "JNI compile failed (see $OUT/probe.log)"; exit 3; }
  g++ -shared -o "$TL/libdjl_torch.so" /tmp/djlobj/*.o -L"$TL" -Wl,--no-as-needed -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda \
    -Wl,-rpath,"$TL" 2>&1 | tee -a "$OUT/probe.log"   # a failed link leaves no library: checked below
  cp "$TL/libdjl_torch.so" "$OUT/" 2>/dev/null
fi
[ -f "$TL/libdjl_torch.so" ] || { echo "no JNI library"; exit 3; }

tar -C /tmp -xJf "$G/jre.tar.xz"; JAVA=/tmp/jre/bin/java
# the tests read Fashion-MNIST where Debian installs it; a full copy already there is kept
FM=/usr/share/datasets/fashion-mnist
[ -f "$FM/train-images-idx3-ubyte.gz" ] || { mkdir -p "$FM" && cp "$G"/fmnist/* "$FM/"; }
# DJL loads every library in PYTORCH_LIBRARY_PATH and the JNI library found there; the flavor must contain "cu"
export PYTORCH_LIBRARY_PATH=$TL PYTORCH_VERSION=$TV PYTORCH_FLAVOR=cu
export LD_LIBRARY_PATH=$G/native${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
CP="$G/lib/*"
mkdir -p /tmp/jt
JOPTS=(-Dai.djl.offline=true -Djava.io.tmpdir=/tmp/jt -Xmx16g)
engine() { "$JAVA" "${JOPTS[@]}" -cp "$CP" dev.topiary.engine.cli.EngineCli "$@"; }
bench_vs_torch() { # $1: extra classpath to time beside (empty for none)
  for m in lenet5 vgg16-bn resnet56 mobilenetv2; do
    x=""; [ $m = mobilenetv2 ] && x=--cifar
    engine export-graph --arch $m --input 3,32,32 $x --out /tmp/$m.json >/dev/null
    for r in 1 2; do
      [ -n "$1" ] && echo "old $("$JAVA" "${JOPTS[@]}" -cp "$1" dev.topiary.engine.cli.EngineCli bench --arch $m --input 3,32,32 $x --batch 128 --device gpu --threads 8 2>/dev/null | tail -n 1)"
      echo "topiary $(engine bench --arch $m --input 3,32,32 $x --batch 128 --device gpu --threads 8 2>/dev/null | tail -n 1)"
      echo "torch $(python3 -W ignore "$ROOT/bench/torch_reference.py" /tmp/$m.json --batch 128 --threads 8 --device cuda | tail -n 1)"
    done
  done
}

for stage in "$@"; do case $stage in
smoke) { log smoke; engine bench --arch lenet5 --input 3,32,32 --device gpu --threads 8 --seconds 1 --warmup-seconds 1; } 2>&1 | tee "$OUT/smoke.log" ;;
pipeline) {
  log train; engine train --arch resnet20 --dataset fashion-mnist --input 3,32,32 --epochs 2 --train-limit 12000 --test-limit 2000 --device gpu --threads 8 --out /tmp/r20
  for d in gpu cpu; do log eval-$d; engine eval --model /tmp/r20 --dataset fashion-mnist --test-limit 2000 --device $d --threads 8; done
  for d in gpu cpu; do log rank-$d; engine rank --model /tmp/r20 --criterion hrank --dataset fashion-mnist --limit 5 --batch 128 --device $d --threads 8 --out /tmp/ranks-$d.json; done
  python3 - <<'PY'
import json
a, b = (json.load(open("/tmp/ranks-%s.json" % d)) for d in ("gpu", "cpu"))
def flat(o, p=""):
    if isinstance(o, dict):
        for k, v in o.items(): yield from flat(v, p + "/" + k)
    elif isinstance(o, list) and o and all(isinstance(x, (int, float)) for x in o): yield p, o
    elif isinstance(o, list):
        for i, v in enumerate(o): yield from flat(v, p + "/" + str(i))
fa, fb = dict(flat(a)), dict(flat(b)); n = d = 0; mx = 0.0
for k in fa:
    if k in fb and len(fa[k]) == len(fb[k]):
        for x, y in zip(fa[k], fb[k]): n += 1; d += abs(x - y) > 1e-6; mx = max(mx, abs(x - y))
print("hrank gpu vs cpu: values", n, "differing", d, "max abs diff", mx)
PY
  log prune-gpu; engine prune --model /tmp/r20 --criterion hrank --dataset fashion-mnist --limit 5 --target-flops 0.5 --finetune-epochs 1 --train-limit 12000 --test-limit 2000 --device gpu --threads 8 --out /tmp/r20p
  log eval-pruned; engine eval --model /tmp/r20p --dataset fashion-mnist --test-limit 2000 --device gpu --threads 8
  log latency; engine latency --model /tmp/r20p --device gpu --threads 8
  } 2>&1 | tee "$OUT/pipeline.log" ;;
throughput) { log throughput; bench_vs_torch ""; } 2>&1 | tee "$OUT/throughput.log" ;;
throughput2) { log throughput with OLD_JAR; bench_vs_torch "$G/old/*:$(ls "$G"/lib/*.jar | grep -v topiary-engine | paste -sd:)"; } 2>&1 | tee "$OUT/throughput2.log" ;;
junit) ( log junit
  cd "$ROOT/engine" && timeout "${JUNIT_TIMEOUT:-330}" "$JAVA" "${JOPTS[@]}" -cp "$CP:$G/engine-tests.jar" \
    org.junit.platform.console.ConsoleLauncher execute --scan-classpath "$G/engine-tests.jar" --reports-dir "$OUT/reports" \
    --details=tree --disable-banner --disable-ansi-colors 2>&1 | tail -n 400 ) > "$OUT/junit.log" 2>&1; tail -n 40 "$OUT/junit.log" ;;
*) echo "unknown stage '$stage': smoke, pipeline, throughput, throughput2 or junit" >&2; exit 2 ;;
esac; done
log end
