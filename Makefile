# Entry points. Each target sets the machine up itself (scripts/setup.sh).
#   make demo    the README demo: a Go HTTP server guest under `wasinet run`
#   make test    the whole test suite (what CI runs)
#   make shim    the containerd shim, build/containerd-shim-wasinet-v1 (docs/kubernetes.md)
#   make bench   the benchmark suite; writes BENCHMARKS.md and its chart
#   make fuzz    every libFuzzer target for a bounded time (FUZZ_SECONDS)
.PHONY: all build demo test bench fuzz shim
all: build
build:
	scripts/build.sh
demo:
	scripts/demo.sh
test:
	scripts/test.sh
bench:
	scripts/bench.sh
fuzz:
	scripts/fuzz.sh
shim:
	scripts/build.sh shim
