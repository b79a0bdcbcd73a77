/*
 * The doorbell page's registers (include/virt/shm_doorbell_regs.h), as a
 * table: each row an offset, whether the guest may read or write it, and
 * what the access does. Only 32-bit accesses; a ring never reaches the
 * ringing VM itself or an index not on the region (reported, so the caller
 * logs one rate-limited line), and never fails the access: a peer may have
 * just gone away, which is no fault of the guest.
 */
#include <virt/shm_doorbell_regs.h>

#include <errno.h>

struct db_reg {
	uint32_t offset;
	uint32_t (*read)(const struct shm_doorbell_regs *r);
	void (*write)(const struct shm_doorbell_regs *r, uint32_t val,
		      struct shm_doorbell_effect *e);
};

static uint32_t read_magic(const struct shm_doorbell_regs *r)
{
	return SHM_DB_MAGIC_VALUE;
}

static uint32_t read_self(const struct shm_doorbell_regs *r)
{
	return r->self;
}

static uint32_t read_peers(const struct shm_doorbell_regs *r)
{
	return r->peers & ~(1U << (r->self % SHM_MAX_PEERS));
}

static void ring_mask(const struct shm_doorbell_regs *r, uint32_t mask,
		      struct shm_doorbell_effect *e)
{
	uint32_t ok = mask & read_peers(r);

	e->ring |= ok;
	if (mask != ok)
		e->bad_ring = true;
}

static void write_ring(const struct shm_doorbell_regs *r, uint32_t val,
		       struct shm_doorbell_effect *e)
{
	if (val >= SHM_MAX_PEERS) {
		e->bad_ring = true;
		return;
	}
	ring_mask(r, 1U << val, e);
}

static void write_ring_mask(const struct shm_doorbell_regs *r, uint32_t val,
			    struct shm_doorbell_effect *e)
{
	ring_mask(r, val, e);
}

static const struct db_reg db_regs[] = {
	{ SHM_DB_MAGIC, read_magic, NULL },
	{ SHM_DB_SELF, read_self, NULL },
	{ SHM_DB_PEERS, read_peers, NULL },
	{ SHM_DB_RING, NULL, write_ring },
	{ SHM_DB_RING_MASK, NULL, write_ring_mask },
};

int shm_doorbell_access(const struct shm_doorbell_regs *r, uint64_t off, unsigned size,
			bool write, uint64_t *val, struct shm_doorbell_effect *e)
{
	e->ring = 0;
	e->bad_ring = false;
	if (size != 4 || off >= SHM_DOORBELL_SIZE)
		return -EINVAL;
	for (unsigned i = 0; i < ARRAY_SIZE(db_regs); i++) {
		const struct db_reg *row = &db_regs[i];

		if (row->offset != off)
			continue;
		if (write) {
			if (!row->write)
				return -EINVAL;
			row->write(r, (uint32_t)*val, e);
			return 0;
		}
		/* A write-only register reads as zero, like an idle bell. */
		*val = row->read ? row->read(r) : 0;
		return 0;
	}
	return -EINVAL;
}
