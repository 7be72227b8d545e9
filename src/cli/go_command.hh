#pragma once
// `wasinet go build|test|run|vet [wasinet run flags] [go flags] [packages]`:
// the Go toolchain found on PATH, building for GOOS=wasip1 GOARCH=wasm with
// the overlay that gives package net real sockets through the host
// (sdk/go-overlay). `test` and `run` run the program under `wasinet run`
// (go's -exec), with the given grants.
#include <string>
#include <vector>

namespace wasinet::cli {

// `args` are the words after "go". Execs the go command (so it returns only
// when that fails) and returns the exit status: 2 for a usage mistake, 125
// when the toolchain cannot be used (not found, an unsupported release).
int go_command(const std::vector<std::string>& args);

// `wasinet go _exec [run flags] -- PROGRAM ARGS...`, the -exec wrapper of
// `wasinet go test` and `run`: runs PROGRAM under `wasinet run` with the
// flags, the current directory as its working directory and a fresh /tmp,
// and exits with its status.
int go_exec_command(const std::vector<std::string>& args);

}  // namespace wasinet::cli
