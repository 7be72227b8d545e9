/* <poll.h> for wasinet guests: wasi-libc's, plus the event bits it leaves
 * out so that programs naming them compile. None of them is ever
 * reported (nothing carries urgent or priority data over wasinet); asked
 * for alone, they wait for nothing. poll() itself is libwasinet.a's. */
#ifndef WASINET_POLL_H
#define WASINET_POLL_H

#include_next <poll.h>

#ifndef POLLPRI
#define POLLPRI 0x0004
#endif
#ifndef POLLRDBAND
#define POLLRDBAND 0x0008
#endif
#ifndef POLLWRBAND
#define POLLWRBAND 0x0010
#endif

#endif
