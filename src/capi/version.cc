// wasinet_version(): the one C API function that needs no engine, and the
// call the containerd shim makes at start to check that the library it
// linked matches the header it was written against.
#include "wasinet/wasinet.h"

extern "C" const char* wasinet_version(void) { return WASINET_VERSION; }
