/*
 * shmping: the Linux side of guests/shmecho's protocol (docs/shm-linux.md),
 * on Debian's stock kernel with no UIO platform driver: the region and the
 * doorbell page through /dev/mem (they are not RAM, so the kernel maps them
 * Device-nGnRnE, as the MMU-off shmecho sees them), the peer's rings as
 * input events of the stock gpio_keys driver bound to the shm-doorbell node.
 *
 * Index 0 on the region sends N messages (sequence number, 14 payload
 * words, checksum), rings its peer and waits for the answer's ring, checking
 * each answer; any other index answers. Prints one line with the count and
 * the failures; exits 0 only when all N went through intact.
 *
 * The region is Device memory here: only aligned 32-bit accesses, through
 * volatile pointers (no memcpy, which may use unaligned or DC ZVA accesses).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define DT_ROOT		"/proc/device-tree"
#define DB_MAGIC	0x000
#define DB_SELF		0x004
#define DB_PEERS	0x008
#define DB_RING		0x00c
#define DB_MAGIC_VALUE	0x544d4453U
#define DB_PAGE		0x1000
#define WORDS		14
#define READY_VALUE	0x52454459U
#define WAIT_MS		5000
#define READY_WAIT_MS	60000

/* guests/shmecho/main.c's layout: request, reply, the echo side's mark. */
struct msg {
	uint32_t seq, sum, payload[WORDS];
};

struct layout {
	struct msg req;
	struct msg rep;
	uint32_t ready;
};

struct shm {
	volatile uint32_t *db;
	volatile struct layout *l;
	uint64_t size;
	int events;			/* the gpio-keys input device */
	uint32_t self, peer;
};

#define dmb()	asm volatile("dmb ish" ::: "memory")
#define dsb()	asm volatile("dsb ish" ::: "memory")

static int die(const char *what)
{
	fprintf(stderr, "shmping: %s: %s\n", what, strerror(errno));
	exit(2);
}

static uint32_t checksum(const volatile struct msg *m, uint32_t seq)
{
	uint32_t s = seq * 0x9e3779b9U;

	for (unsigned i = 0; i < WORDS; i++)
		s = (s ^ m->payload[i]) * 0x01000193U + i;
	return s;
}

static uint32_t word(uint32_t seq, unsigned i)
{
	return seq * 2654435761U + i * 40503U;
}

static int read_file(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return (int)n;
}

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The shm-doorbell node: reg = <doorbell page, region>, label = input name. */
static void find_node(uint64_t *db, uint64_t *base, uint64_t *size, char *label, size_t len)
{
	DIR *d = opendir(DT_ROOT);
	struct dirent *e;
	char path[512];
	unsigned char reg[32];
	int n;

	if (!d)
		die(DT_ROOT);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "shm-doorbell@", 13))
			break;
	if (!e) {
		fprintf(stderr, "shmping: no shm-doorbell node in the device tree\n");
		exit(2);
	}
	snprintf(path, sizeof(path), DT_ROOT "/%s/reg", e->d_name);
	if (read_file(path, reg, sizeof(reg)) != sizeof(reg))
		die(path);
	snprintf(path, sizeof(path), DT_ROOT "/%s/label", e->d_name);
	n = read_file(path, label, len - 1);
	if (n <= 0)
		die(path);
	label[n] = '\0';
	closedir(d);
	*db = be64(reg);
	*base = be64(reg + 16);
	*size = be64(reg + 24);
}

static int open_events(const char *label)
{
	char path[64], name[64];

	for (int i = 0; i < 32; i++) {
		int fd;

		snprintf(path, sizeof(path), "/dev/input/event%d", i);
		fd = open(path, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (ioctl(fd, EVIOCGNAME(sizeof(name) - 1), name) >= 0 && !strcmp(name, label))
			return fd;
		close(fd);
	}
	fprintf(stderr, "shmping: no input device named '%s' (insmod evdev.ko and gpio_keys.ko?)\n",
		label);
	exit(2);
}

static void *map(int fd, uint64_t pa, uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)pa);

	if (p == MAP_FAILED)
		die("mmap /dev/mem");
	return p;
}

static void shm_open_all(struct shm *s)
{
	uint64_t db, base;
	char label[64];
	uint32_t peers;
	int mem;

	find_node(&db, &base, &s->size, label, sizeof(label));
	s->events = open_events(label);
	mem = open("/dev/mem", O_RDWR | O_SYNC);
	if (mem < 0)
		die("/dev/mem");
	s->db = map(mem, db, DB_PAGE);
	s->l = map(mem, base, s->size);
	close(mem);
	if (s->size < sizeof(struct layout) || s->db[DB_MAGIC / 4] != DB_MAGIC_VALUE) {
		fprintf(stderr, "shmping: no doorbell at %#llx\n", (unsigned long long)db);
		exit(2);
	}
	s->self = s->db[DB_SELF / 4];
	peers = s->db[DB_PEERS / 4];
	printf("shmping: region '%s' at %#llx+%#llx, doorbell %#llx, index %u, peers 0x%x\n",
	       label + 4, (unsigned long long)base, (unsigned long long)s->size,
	       (unsigned long long)db, s->self, peers);
	if (!peers) {
		fprintf(stderr, "shmping: no peer on the region\n");
		exit(2);
	}
	s->peer = (uint32_t)__builtin_ctz(peers);
}

/* Wait for one ring: a key press on the doorbell's input device. */
static int wait_ring(struct shm *s)
{
	struct pollfd p = { .fd = s->events, .events = POLLIN };
	struct input_event ev[16];

	for (;;) {
		ssize_t n = read(s->events, ev, sizeof(ev));

		if (n < 0 && errno != EAGAIN)
			die("read ring");
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(ev[0]); i++)
			if (ev[i].type == EV_KEY && ev[i].value == 1)
				return 0;
		if (n > 0)
			continue;
		if (poll(&p, 1, WAIT_MS) <= 0)
			return -1;
	}
}

static void send(struct shm *s, volatile struct msg *m, uint32_t seq, uint32_t flip)
{
	for (unsigned i = 0; i < WORDS; i++)
		m->payload[i] = word(seq, i) ^ flip;
	m->sum = checksum(m, seq);
	dmb();
	m->seq = seq;
	dsb();
	s->db[DB_RING / 4] = s->peer;
}

static int good(const volatile struct msg *m, uint32_t seq, uint32_t flip)
{
	if (m->seq != seq || m->sum != checksum(m, m->seq))
		return 0;
	for (unsigned i = 0; i < WORDS; i++)
		if (m->payload[i] != (word(seq, i) ^ flip))
			return 0;
	return 1;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static unsigned initiate(struct shm *s, uint32_t n)
{
	unsigned bad = 0;
	uint64_t t0;

	for (int ms = 0; s->l->ready != READY_VALUE; ms++) {
		if (ms == READY_WAIT_MS) {
			printf("shmping: the peer never marked the region ready\n");
			return n;
		}
		usleep(1000);
	}
	t0 = now_ns();
	for (uint32_t seq = 1; seq <= n; seq++) {
		send(s, &s->l->req, seq, 0);
		if (wait_ring(s)) {
			printf("shmping: no answer to message %u\n", seq);
			return bad + 1 + n - seq;
		}
		dmb();
		bad += !good(&s->l->rep, seq, ~0U);
	}
	t0 = now_ns() - t0;
	printf("shmping: %u round trips, %u bad, %llu ns, %llu ns per round trip\n", n, bad,
	       (unsigned long long)t0, (unsigned long long)(t0 / n));
	return bad;
}

static unsigned answer(struct shm *s, uint32_t n)
{
	unsigned bad = 0;

	s->l->ready = READY_VALUE;
	dsb();
	for (uint32_t seq = 1; seq <= n; seq++) {
		if (wait_ring(s)) {
			printf("shmping: message %u never came\n", seq);
			return bad + 1 + n - seq;
		}
		dmb();
		bad += !good(&s->l->req, seq, 0);
		send(s, &s->l->rep, seq, ~0U);
	}
	printf("shmping: echoed %u messages, %u bad\n", n, bad);
	return bad;
}

int main(int argc, char **argv)
{
	uint32_t n = 10000;
	struct shm s;
	unsigned bad;

	if (argc > 2 || (argc == 2 && (n = (uint32_t)strtoul(argv[1], NULL, 0)) == 0)) {
		fprintf(stderr, "usage: shmping [messages]  (default 10000)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	shm_open_all(&s);
	bad = s.self == 0 ? initiate(&s, n) : answer(&s, n);
	return bad ? 1 : 0;
}
