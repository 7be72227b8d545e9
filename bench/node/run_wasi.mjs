// Runs a WASI preview1 program (e.g. a Go GOOS=wasip1 build) under node's
// V8, for the compute-only comparison of `make bench`:
//   node run_wasi.mjs PROGRAM.wasm [ARGS...]
// stdout/stderr are node's own; the exit status is the program's.
import { readFile } from 'node:fs/promises';
import { argv, env, exit } from 'node:process';
import { WASI } from 'node:wasi';

const [file, ...args] = argv.slice(2);
if (!file) {
  console.error('usage: node run_wasi.mjs PROGRAM.wasm [ARGS...]');
  exit(2);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi.wasiImport });
exit(wasi.start(instance));
