/* The raw wasinet_v0 imports for the C test guests, which call the ABI
 * directly (without the C SDK's BSD socket layer): the SDK's own
 * declaration of the host module, so both always agree. */
#include "../../../../sdk/c/include/wasinet/v0.h"
