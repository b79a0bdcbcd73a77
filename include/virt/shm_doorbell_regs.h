/*
 * The register model of a shared-memory doorbell page
 * (virt/devices/shm_doorbell_regs.c): one 4 KiB emulated page per VM per
 * shared region. It holds no interrupt wiring, so the host tests it
 * (tests/unit/test_shm_doorbell.c); the caller raises the SPIs the access
 * asks for. Layout: docs/vm-config.md, "Shared memory".
 */
#ifndef VIRT_SHM_DOORBELL_REGS_H
#define VIRT_SHM_DOORBELL_REGS_H

#include <tandem/types.h>

#define SHM_DOORBELL_SIZE	0x1000
#define SHM_MAX_PEERS		32	/* VM indices 0..31 on one region */

#define SHM_DB_MAGIC		0x000	/* RO: SHM_DB_MAGIC_VALUE */
#define SHM_DB_SELF		0x004	/* RO: this VM's index on the region */
#define SHM_DB_PEERS		0x008	/* RO: bitmask of the other VMs mapping it */
#define SHM_DB_RING		0x00c	/* WO: ring the peer whose index is written */
#define SHM_DB_RING_MASK	0x010	/* WO: ring every peer whose bit is set */

#define SHM_DB_MAGIC_VALUE	0x544d4453U	/* "SDMT" little-endian: Tandem doorbell */

struct shm_doorbell_regs {
	uint32_t self;		/* < SHM_MAX_PEERS */
	uint32_t peers;		/* bit i: VM index i maps the region now (never self) */
};

/* What one access asked for besides its value. */
struct shm_doorbell_effect {
	uint32_t ring;		/* peers whose doorbell SPI to raise */
	bool bad_ring;		/* a ring named self or a VM not on the region */
};

/* A guest access at off (< SHM_DOORBELL_SIZE) of size bytes: 0, or -EINVAL
 * (an offset with no register, a width other than 4, a write to a
 * read-only register) which the caller turns into an abort. */
int shm_doorbell_access(const struct shm_doorbell_regs *r, uint64_t off, unsigned size,
			bool write, uint64_t *val, struct shm_doorbell_effect *e);

#endif
