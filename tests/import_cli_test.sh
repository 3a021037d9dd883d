#!/usr/bin/env bash
# End-to-end tests of `tbp import`: a tiny hand-made model (values derived
# by hand), a zoo model, and bad input (named error, exit != 0, no output
# file written).
set -uo pipefail
TBP="${TEST_SRCDIR}/tiny_backprop/cli/tbp"
DATA="${TEST_SRCDIR}/tiny_backprop"
MLP="$DATA/core/onnx/testdata/tiny_mlp.onnx"
UNKNOWN="$DATA/core/onnx/testdata/unknown_op.onnx"
VGG="$DATA/tools/zoo/vgg16.onnx"
T="${TEST_TMPDIR:-$(mktemp -d)}"
# shellcheck source=tests/cli_lib.sh
source "${TEST_SRCDIR}/tiny_backprop/tests/cli_lib.sh"

# tiny_mlp at batch 2: Gemm x[2,4] W[4,3] + b -> [2,3] = 6 floats = 24 bytes,
# 2*6*4 + 6 = 54 FLOPs, backward 108; Relu: 6 FLOPs.
out="$T/mlp.textproto"
"$TBP" import --onnx="$MLP" --batch=2 --out="$out" > "$T/mlp.log" || fail "import tiny_mlp"
grep -q "symbolic dimension 'N' bound to 2" "$T/mlp.log" || fail "summary lacks the bound symbol"
node_block() {  # the text block of node $1 in $out
  awk -v n="$1" '/^nodes {/{b=""; keep=0} {b=b $0 "\n"} $0 ~ "name: \"" n "\""{keep=1}
                 /^}/{if (keep) printf "%s", b; keep=0}' "$out"
}
fc=$(node_block fc)
[[ "$fc" == *"output_bytes: 24"* ]] || fail "fc output_bytes: $fc"
[[ "$fc" == *"forward_cost: 54"* ]] || fail "fc forward_cost: $fc"
[[ "$fc" == *"backward_cost: 108"* ]] || fail "fc backward_cost: $fc"
act=$(node_block act)
[[ "$act" == *"forward_cost: 6"* ]] || fail "act forward_cost: $act"
grep -q 'outputs: "act"' "$out" || fail "act is not the output"
# Same model, same bytes.
"$TBP" import --onnx="$MLP" --batch=2 --out="$T/mlp2.textproto" > /dev/null || fail "import again"
cmp -s "$out" "$T/mlp2.textproto" || fail "two imports of tiny_mlp differ"
# The imported graph is a valid input for the rest of the CLI.
"$TBP" plan --graph="$out" --planner=store_all --format=json > /dev/null || fail "plan on import"

# A zoo model: VGG16 at batch 256 (40 COMPUTE nodes; 13 Conv).
"$TBP" import --onnx="$VGG" --batch=256 --out="$T/vgg.pb" > "$T/vgg.log" || fail "import vgg16"
grep -q "44 ONNX nodes -> 40 COMPUTE" "$T/vgg.log" || fail "vgg16 counts: $(cat "$T/vgg.log")"
grep -Eq "Conv +13 " "$T/vgg.log" || fail "vgg16 conv count: $(cat "$T/vgg.log")"

# Bad input.
printf 'this is not a protobuf \xff\xff\xff' > "$T/garbage.onnx"
expect_error malformed "not a valid ONNX ModelProto" "$T/o1.pb" -- \
  "$TBP" import --onnx="$T/garbage.onnx" --batch=2 --out="$T/o1.pb"
head -c 4000 "$VGG" > "$T/truncated.onnx"
expect_error truncated "truncated.onnx" "$T/o2.pb" -- \
  "$TBP" import --onnx="$T/truncated.onnx" --batch=2 --out="$T/o2.pb"
: > "$T/empty.onnx"
expect_error empty "empty" "$T/o3.pb" -- \
  "$TBP" import --onnx="$T/empty.onnx" --batch=2 --out="$T/o3.pb"
expect_error unknown_op "node 1 'act' (op FancyActivation)" "$T/o4.pb" -- \
  "$TBP" import --onnx="$UNKNOWN" --batch=2 --out="$T/o4.pb"
expect_error no_batch "dimension 0 is symbolic ('N'): give --batch" "$T/o5.pb" -- \
  "$TBP" import --onnx="$MLP" --out="$T/o5.pb"
expect_error batch_zero "--batch = 0: must be >= 1" "$T/o6.pb" -- \
  "$TBP" import --onnx="$MLP" --batch=0 --out="$T/o6.pb"
expect_error batch_negative "--batch = -3: must be >= 1" "$T/o7.pb" -- \
  "$TBP" import --onnx="$MLP" --batch=-3 --out="$T/o7.pb"
expect_error missing_file "no_such.onnx" "$T/o8.pb" -- \
  "$TBP" import --onnx="$T/no_such.onnx" --batch=2 --out="$T/o8.pb"
expect_error no_onnx "--onnx is missing" "" -- "$TBP" import --out="$T/o9.pb"
expect_error no_out "--out is missing" "" -- "$TBP" import --onnx="$MLP" --batch=2
expect_error bad_extension "o10.xyz" "$T/o10.xyz" -- \
  "$TBP" import --onnx="$MLP" --batch=2 --out="$T/o10.xyz"
# An existing output file is left alone on error (atomic writes).
echo keep > "$T/keep.pb"
"$TBP" import --onnx="$UNKNOWN" --batch=2 --out="$T/keep.pb" 2>/dev/null && fail "keep: exit 0"
[ "$(cat "$T/keep.pb")" = keep ] || fail "keep.pb was overwritten"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)" >&2
  exit 1
fi
echo "import_cli_test: all passed"
