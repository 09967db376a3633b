#!/usr/bin/env bash
# Packs into .gpu/ (git-ignored) what an offline GPU machine needs to run Topiary's engine on CUDA
# with that machine's own libtorch (a CUDA build of pytorch-native is 2.4 GB: too big to carry):
#   - a jlink'd Java 17 runtime, xz-compressed;
#   - the engine jar, its test classes and its dependencies, without the CPU libtorch;
#   - the JUnit console launcher, to run the engine's tests there;
#   - Fashion-MNIST: the test split and the first 12,000 training images (the most any test reads);
#   - DJL 0.32.0's JNI sources (from a checkout of deepjavalibrary/djl at tag v0.32.0, DJL_SRC) with
#     the JNI header generated from its PyTorchLibrary.java, compiled there by bench/gpu/check.sh;
#   - OLD_JAR (optional): another engine jar, timed beside this one by check.sh's throughput2.
# Usage: ./mvnw -o -pl engine install -DskipTests && bench/gpu/bundle.sh DJL_SRC [OLD_JAR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DJL_SRC="$(realpath "${1:?usage: bench/gpu/bundle.sh DJL_SRC [OLD_JAR]}")"
OLD_JAR="${2:+$(realpath "$2")}"
cd "$ROOT"
G="$ROOT/.gpu"
JDK="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
FM=/usr/share/datasets/fashion-mnist
[ -f "$DJL_SRC/engines/pytorch/pytorch-native/src/main/native/ai_djl_pytorch_jni_PyTorchLibrary_system.cc" ] \
  || { echo "DJL_SRC: $DJL_SRC is not a DJL checkout (engines/pytorch/pytorch-native missing)" >&2; exit 2; }
rm -rf "$G" && mkdir -p "$G/lib" "$G/fmnist" "$G/djl/include" "$G/djl/api" "$G/jni" "$G/native"
./mvnw -B -o -q -pl engine dependency:build-classpath -Dmdep.outputFile="$G/cp.txt" -Dmdep.includeScope=test
tr ':' '\n' < "$G/cp.txt" | grep -v -e pytorch-native-cpu -e junit -e opentest4j -e apiguardian | xargs -I{} cp {} "$G/lib/"
./mvnw -B -o -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:6.1.1 -DoutputDirectory="$G/lib"
cp engine/target/topiary-engine-*.jar "$G/lib/"
(cd engine/target/test-classes && jar cf "$G/engine-tests.jar" .)
if [ -n "$OLD_JAR" ]; then mkdir -p "$G/old" && cp "$OLD_JAR" "$G/old/"; fi
# the runtime: the modules jdeps lists for the engine and its tests, plus what DJL and JUnit load reflectively
jlink --add-modules java.base,java.compiler,java.desktop,java.sql,jdk.management,java.logging,jdk.unsupported,java.naming,java.xml,jdk.crypto.ec,jdk.zipfs \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output "$G/jre"
strip --strip-unneeded "$G"/jre/lib/server/libjvm.so "$G"/jre/lib/*.so 2>/dev/null || true
tar -C "$G" -cf - jre | xz -9 -T0 > "$G/jre.tar.xz" && rm -rf "$G/jre"
cp -L /usr/lib/x86_64-linux-gnu/libjpeg.so.62 "$G/native/"   # java.desktop's JPEG codec needs it
cp "$FM"/t10k-* "$G/fmnist/"
python3 - "$FM" "$G/fmnist" <<'PY'
import gzip, struct, sys
src, dst, n = sys.argv[1] + "/", sys.argv[2] + "/", 12000
with gzip.open(src + "train-images-idx3-ubyte.gz") as f:
    magic, _, r, c = struct.unpack(">IIII", f.read(16)); data = f.read(n * r * c)
with gzip.open(dst + "train-images-idx3-ubyte.gz", "wb") as g:
    g.write(struct.pack(">IIII", magic, n, r, c)); g.write(data)
with gzip.open(src + "train-labels-idx1-ubyte.gz") as f:
    magic, _ = struct.unpack(">II", f.read(8)); data = f.read(n)
with gzip.open(dst + "train-labels-idx1-ubyte.gz", "wb") as g:
    g.write(struct.pack(">II", magic, n)); g.write(data)
PY
cp -r "$DJL_SRC/engines/pytorch/pytorch-native/src/main/native" "$G/djl/src"
cp -r "$DJL_SRC/api/src/main/native/djl" "$G/djl/api/"
DJL_API="$(tr ':' '\n' < "$G/cp.txt" | grep '/ai/djl/api/')"
mkdir -p "$G/djl/classes"
javac -cp "$DJL_API" -sourcepath "$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java" \
  "$DJL_SRC/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java" -h "$G/djl/include" -d "$G/djl/classes"
rm -rf "$G/djl/classes"
cp -r "$JDK/include/"* "$G/jni/"
du -sh "$G"
