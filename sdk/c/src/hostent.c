// gethostbyname and hstrerror, the interface older programs use, over
// getaddrinfo (IPv4 only, as gethostbyname always was).
#include <netdb.h>
#include <string.h>

int h_errno;

enum { kMaxAddrs = 16 };

struct hostent* gethostbyname(const char* name) {
  static char host[256];
  static struct in_addr addrs[kMaxAddrs];
  static char* addr_list[kMaxAddrs + 1];
  static char* aliases[1];
  static struct hostent result;

  struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
  struct addrinfo* res;
  int err = name ? getaddrinfo(name, NULL, &hints, &res) : EAI_NONAME;
  if (err != 0) {
    h_errno = err == EAI_AGAIN ? TRY_AGAIN : err == EAI_NONAME ? HOST_NOT_FOUND : NO_RECOVERY;
    return NULL;
  }
  size_t n = 0;
  for (struct addrinfo* a = res; a && n < kMaxAddrs; a = a->ai_next) {
    addrs[n] = ((struct sockaddr_in*)a->ai_addr)->sin_addr;
    addr_list[n] = (char*)&addrs[n];
    ++n;
  }
  addr_list[n] = NULL;
  freeaddrinfo(res);
  strncpy(host, name, sizeof host - 1);
  result = (struct hostent){.h_name = host, .h_aliases = aliases, .h_addrtype = AF_INET,
                            .h_length = sizeof(struct in_addr), .h_addr_list = addr_list};
  return &result;
}

const char* hstrerror(int code) {
  switch (code) {
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown error";
  }
}
