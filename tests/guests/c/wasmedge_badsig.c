/* wasmedge_badsig: imports sock_getlocaladdr with five parameters, a
 * signature no version of WasmEdge's extension has; wasinet must refuse
 * the module before it runs. */
#include <stdint.h>

__attribute__((import_module("wasi_snapshot_preview1"), import_name("sock_getlocaladdr")))
uint32_t bad_getlocaladdr(uint32_t fd, void *addr, uint32_t *type, uint32_t *port, uint32_t extra);

int main(void) {
  uint32_t type = 0, port = 0;
  return (int)bad_getlocaladdr(3, 0, &type, &port, 0);
}
