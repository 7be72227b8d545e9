// http_get: an HTTP/1.1 client. Fetches a URL (http:// only) and writes
// the body to stdout; with -n COUNT it fetches COUNT times in a row over
// one keep-alive connection (reconnecting when the server closes it) and
// prints one line per fetch instead: "STATUS LENGTH FNV1A64".
//
//   wasinet run --allow-net=loopback --allow-dns http_get.wasm http://localhost:8080/
//   wasinet run --allow-net=loopback http_get.wasm -n 100 http://127.0.0.1:8080/data
//
// Bodies may come with Content-Length, chunked, or until the server closes.
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char* what, const char* detail) {
  fprintf(stderr, "http_get: %s: %s\n", what, detail);
  exit(1);
}

// ---- a buffered reader over a socket

typedef struct {
  int fd;
  char buf[16384];
  size_t off, len;
} Reader;

// Fills the buffer if empty; returns 0 at the end of the stream.
static size_t fill(Reader* r) {
  if (r->off < r->len) return r->len - r->off;
  ssize_t n;
  do n = recv(r->fd, r->buf, sizeof r->buf, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) die("recv", strerror(errno));
  r->off = 0;
  r->len = (size_t)n;
  return (size_t)n;
}

// One line without its CRLF; NULL at the end of the stream.
static char* read_line(Reader* r, char* line, size_t cap) {
  size_t n = 0;
  for (;;) {
    if (fill(r) == 0) return n ? (line[n] = '\0', line) : NULL;
    char c = r->buf[r->off++];
    if (c == '\n') break;
    if (n + 1 < cap) line[n++] = c;
  }
  if (n > 0 && line[n - 1] == '\r') --n;
  line[n] = '\0';
  return line;
}

typedef struct {
  uint64_t fnv;
  size_t length;
  FILE* out;  // NULL: count only
} Body;

static void take(Body* b, const char* data, size_t n) {
  for (size_t i = 0; i < n; ++i) b->fnv = (b->fnv ^ (uint8_t)data[i]) * 1099511628211ULL;
  b->length += n;
  if (b->out) fwrite(data, 1, n, b->out);
}

// Reads `want` bytes (SIZE_MAX: until the end of the stream).
static void read_body(Reader* r, Body* b, size_t want) {
  while (want > 0) {
    size_t have = fill(r);
    if (have == 0) {
      if (want == SIZE_MAX) return;
      die("body", "the server closed the connection early");
    }
    size_t n = have < want ? have : want;
    take(b, r->buf + r->off, n);
    r->off += n;
    if (want != SIZE_MAX) want -= n;
  }
}

// ---- URL and connection

typedef struct {
  char host[256], port[8], path[1024];
} Url;

static void parse_url(const char* text, Url* u) {
  if (strncmp(text, "http://", 7) != 0) die(text, "only http:// URLs");
  const char* p = text + 7;
  const char* slash = strchr(p, '/');
  size_t hostport = slash ? (size_t)(slash - p) : strlen(p);
  snprintf(u->path, sizeof u->path, "%s", slash ? slash : "/");
  char hp[300];
  if (hostport >= sizeof hp) die(text, "host too long");
  memcpy(hp, p, hostport);
  hp[hostport] = '\0';
  char* port = NULL;
  if (hp[0] == '[') {  // [::1]:8080
    char* end = strchr(hp, ']');
    if (end == NULL) die(text, "unclosed [");
    *end = '\0';
    if (end[1] == ':') port = end + 2;
    snprintf(u->host, sizeof u->host, "%s", hp + 1);
  } else {
    port = strrchr(hp, ':');
    if (port) *port++ = '\0';
    snprintf(u->host, sizeof u->host, "%s", hp);
  }
  snprintf(u->port, sizeof u->port, "%s", port && *port ? port : "80");
}

// Tries each address getaddrinfo gives, in order.
static int dial(const Url* u) {
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
  struct addrinfo* res;
  int err = getaddrinfo(u->host, u->port, &hints, &res);
  if (err != 0) die(u->host, gai_strerror(err));
  int fd = -1, last = 0;
  for (struct addrinfo* a = res; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      last = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) die("connect", strerror(last));
  return fd;
}

static void send_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0) die("send", strerror(errno));
    data += w;
    n -= (size_t)w;
  }
}

// One request and response. Returns the status; *keep says whether the
// connection may serve another request.
static int fetch(Reader* r, const Url* u, Body* b, int* keep) {
  char req[1400];
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: wasinet-http_get\r\n\r\n",
                   u->path, u->host, u->port);
  send_all(r->fd, req, (size_t)n);

  char line[2048];
  if (read_line(r, line, sizeof line) == NULL) return -1;  // closed: retry
  int status = 0;
  if (sscanf(line, "HTTP/1.%*d %d", &status) != 1) die("status line", line);
  size_t length = SIZE_MAX;
  int chunked = 0;
  *keep = strncmp(line, "HTTP/1.1", 8) == 0;
  while (read_line(r, line, sizeof line) && line[0] != '\0') {
    if (strncasecmp(line, "Content-Length:", 15) == 0) length = strtoull(line + 15, NULL, 10);
    if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && strstr(line, "chunked")) chunked = 1;
    if (strncasecmp(line, "Connection:", 11) == 0 && strstr(line, "close")) *keep = 0;
  }
  if (chunked) {
    for (;;) {
      if (read_line(r, line, sizeof line) == NULL) die("chunk", "end of stream");
      size_t size = strtoull(line, NULL, 16);
      if (size == 0) break;
      read_body(r, b, size);
      read_line(r, line, sizeof line);  // the CRLF after the chunk
    }
    while (read_line(r, line, sizeof line) && line[0] != '\0') {}  // trailers
  } else {
    read_body(r, b, length);
    if (length == SIZE_MAX) *keep = 0;
  }
  return status;
}

int main(int argc, char** argv) {
  long count = 1;
  int arg = 1;
  if (argc > 2 && strcmp(argv[1], "-n") == 0) {
    count = strtol(argv[2], NULL, 10);
    arg = 3;
  }
  if (arg >= argc) {
    fprintf(stderr, "usage: http_get [-n COUNT] http://HOST[:PORT]/PATH\n");
    return 2;
  }
  Url u;
  parse_url(argv[arg], &u);
  static Reader r;
  r.fd = -1;
  int exit_code = 0;
  for (long i = 0; i < count; ++i) {
    Body b = {.fnv = 14695981039346656037ULL, .out = count == 1 ? stdout : NULL};
    int keep = 0, status = -1;
    for (int attempt = 0; attempt < 2 && status < 0; ++attempt) {
      if (r.fd < 0) {
        r.fd = dial(&u);
        r.off = r.len = 0;
      }
      status = fetch(&r, &u, &b, &keep);
      if (status < 0 || !keep) {
        close(r.fd);
        r.fd = -1;
      }
    }
    if (status < 0) die("fetch", "the server closed the connection");
    if (count > 1) printf("%d %zu %016llx\n", status, b.length, (unsigned long long)b.fnv);
    if (status != 200) exit_code = 1;
  }
  if (r.fd >= 0) close(r.fd);
  return exit_code;
}
