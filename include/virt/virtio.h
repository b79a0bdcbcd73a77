/*
 * virtio-mmio devices served by Tandem (virtio 1.x, "Virtio Over MMIO",
 * the modern register layout, Version 2).
 *
 * Three layers:
 *   virt/virtqueue.c               the split ring, guest memory checked
 *   virt/devices/virtio_mmio_regs.c the transport's registers, status,
 *                                  feature negotiation and queue set-up
 *                                  (no host kernel: unit-tested and fuzzed)
 *   virt/devices/virtio_mmio.c     the hypervisor glue: the VM's MMIO bus,
 *                                  a lock, the SPI through the vGIC, the
 *                                  rate-limited log lines
 *
 * Writing a device back end (virt/devices/virtio_blk.c is one):
 *
 *   - Fill a `struct virtio_dev_ops`: device_id (VIRTIO_ID_*), the
 *     feature bits it offers (VIRTIO_F_VERSION_1 is always added and is
 *     required of the driver; a driver that accepts any bit not offered
 *     does not get FEATURES_OK), n_queues and queue_max (<= VIRTQ_MAX_SIZE,
 *     a power of two), config_size and the config space read/write hooks
 *     (offsets are bounds-checked before they are called), notify and reset.
 *   - Create it with virtio_mmio_create(vm, ...) from its own create
 *     function (see virt/virtio_vm.c for the table of back ends); keep its
 *     state in ops' `dev` pointer (t->dev).
 *   - notify(t, q) runs on the vCPU thread that wrote QueueNotify, with
 *     the transport lock (a mutex: IRQs stay on, so it may be preempted)
 *     held, only when the driver is DRIVER_OK and queue q is
 *     ready. It takes requests with virtio_queue_pop() and gives each back
 *     with virtio_queue_push(); the transport raises the interrupt. Data
 *     moves with virtq_chain_read()/virtq_chain_write() through t->mem.
 *   - A request whose chain is well formed but wrong (a buffer outside RAM:
 *     chain->fault, a bad sector) is completed with the device's own error
 *     status and reported with virtio_warn(t, VIRTIO_WARN_REQUEST, ...).
 *     A broken ring is the transport's: virtio_queue_pop() sets
 *     DEVICE_NEEDS_RESET and returns 0.
 *   - Work arriving from elsewhere (another VM's vCPU thread) takes the
 *     lock with virtio_mmio_lock()/virtio_mmio_unlock() around its queue
 *     use; from a thread only, never an interrupt handler.
 *   - reset(t) runs when the driver writes 0 to Status and when the VM is
 *     (re)started: drop everything the device holds for the guest.
 */
#ifndef VIRT_VIRTIO_H
#define VIRT_VIRTIO_H

#include <tandem/types.h>
#include <virt/guest_mem.h>
#include <virt/virtqueue.h>

#define VIRTIO_MMIO_SIZE	0x200	/* registers 0x000-0x0ff, config from 0x100 */
#define VIRTIO_MMIO_CONFIG	0x100
#define VIRTIO_MAX_QUEUES	4
#define VIRTIO_MMIO_MAGIC_VALUE	0x74726976U	/* "virt" */
#define VIRTIO_MMIO_VERSION	2
#define VIRTIO_VENDOR_TANDEM	0x4d444e54U	/* "TNDM" */

/* Register offsets (virtio 1.x, 4.2.2). */
#define VIRTIO_MMIO_MAGIC		0x000
#define VIRTIO_MMIO_VERSION_REG		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* InterruptStatus bits. */
#define VIRTIO_INT_USED		0x1
#define VIRTIO_INT_CONFIG	0x2

#define VIRTIO_F_VERSION_1	(1ULL << 32)

/* Device IDs (5). */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3

/* Guest mistakes, each logged at most once a second per device and reason. */
enum virtio_warn {
	VIRTIO_WARN_FEATURES,	/* unknown feature accepted, VERSION_1 missing, late write */
	VIRTIO_WARN_STATUS,	/* a status bit cleared without reset, DRIVER_OK too early */
	VIRTIO_WARN_QUEUE,	/* bad queue size or areas, set-up of a running queue */
	VIRTIO_WARN_NOTIFY,	/* notify of a queue that does not exist or does not run */
	VIRTIO_WARN_RING,	/* a broken ring: the device needs a reset */
	VIRTIO_WARN_REQUEST,	/* one request refused with the device's error status */
	VIRTIO_WARN_CONFIG,	/* config space access outside it or to a read-only field */
	VIRTIO_WARN_REGISTER,	/* a write to a read-only transport register */
	VIRTIO_WARN_COUNT
};

struct virtio_mmio;

struct virtio_dev_ops {
	const char *name;		/* "blk", in log lines */
	uint32_t device_id;
	uint64_t features;		/* offered, besides VIRTIO_F_VERSION_1 */
	unsigned n_queues;		/* <= VIRTIO_MAX_QUEUES */
	uint16_t queue_max;		/* QueueNumMax, a power of two <= VIRTQ_MAX_SIZE */
	uint32_t config_size;		/* <= VIRTIO_MMIO_SIZE - VIRTIO_MMIO_CONFIG */
	/* off + size <= config_size, size 1, 2 or 4; little-endian value. */
	uint32_t (*config_read)(struct virtio_mmio *t, uint32_t off, unsigned size);
	/* May be NULL (all read-only). False: refused, the transport logs it. */
	bool (*config_write)(struct virtio_mmio *t, uint32_t off, unsigned size, uint32_t val);
	void (*notify)(struct virtio_mmio *t, unsigned queue);
	void (*reset)(struct virtio_mmio *t);
	/* May be NULL. After a QueueNotify write, on the same vCPU, with the
	 * transport lock released (queue is the guest's value, unchecked):
	 * for work that takes another device's lock, like virtio-net handing
	 * a frame to another VM (two VMs sending to each other would otherwise
	 * each hold their own lock and wait for the other's). */
	void (*notify_unlocked)(struct virtio_mmio *t, uint32_t queue);
};

/* What the transport asks of its host (the glue, or a test). */
struct virtio_host_ops {
	void (*set_irq)(struct virtio_mmio *t, bool level);
	void (*warn)(struct virtio_mmio *t, enum virtio_warn why, const char *what, uint64_t val);
};

struct virtio_mmio {
	const struct virtio_dev_ops *ops;
	const struct virtio_host_ops *host;
	void *dev;			/* the back end's state */
	void *host_ctx;			/* the glue's */
	struct guest_mem mem;
	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t drv_features;		/* what the driver wrote */
	bool drv_features_unknown;	/* it set a bit past 63 */
	uint32_t queue_sel;
	uint32_t isr;			/* InterruptStatus */
	uint32_t config_generation;
	bool irq_level;
	struct virtq q[VIRTIO_MAX_QUEUES];
};

/* Set up t for ops and dev (as after a reset). */
void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_dev_ops *ops, void *dev,
		      const struct virtio_host_ops *host, void *host_ctx,
		      const struct guest_mem *mem);
/* Back to the reset state (the driver's Status = 0, or a VM restart):
 * calls ops->reset and lowers the interrupt. */
void virtio_mmio_reset(struct virtio_mmio *t);
/* A guest access at off (< VIRTIO_MMIO_SIZE): 0, or -EINVAL (a width or
 * offset the transport does not have; the caller injects an abort). */
int virtio_mmio_access(struct virtio_mmio *t, uint64_t off, unsigned size, bool write,
		       uint64_t *val);

/* For back ends. */
int virtio_queue_pop(struct virtio_mmio *t, unsigned queue, struct virtq_chain *c);
void virtio_queue_push(struct virtio_mmio *t, unsigned queue, uint16_t head, uint32_t len);
/* Set DEVICE_NEEDS_RESET (with a config-change interrupt once DRIVER_OK)
 * and stop every queue until the driver resets the device. */
void virtio_mmio_fail(struct virtio_mmio *t, enum virtio_warn why, const char *what,
		      uint64_t val);
/* The device's config space changed: ConfigGeneration moves, interrupt. */
void virtio_config_changed(struct virtio_mmio *t);
void virtio_warn(struct virtio_mmio *t, enum virtio_warn why, const char *what, uint64_t val);
/* Read size bytes at off of a little-endian config structure. */
uint32_t virtio_config_bytes(const void *cfg, size_t cfg_len, uint32_t off, unsigned size);
/* The negotiated features (valid once FEATURES_OK). */
static inline uint64_t virtio_features(const struct virtio_mmio *t)
{
	return t->drv_features;
}

const char *virtio_warn_name(enum virtio_warn why);

/* Hypervisor side (virt/devices/virtio_mmio.c). */
struct vm;
struct virtio_mmio *virtio_mmio_create(struct vm *vm, const char *name, uint64_t ipa,
				       irqid_t intid, const struct virtio_dev_ops *ops, void *dev);
void virtio_mmio_destroy(struct virtio_mmio *t);
void virtio_mmio_lock(struct virtio_mmio *t);
void virtio_mmio_unlock(struct virtio_mmio *t);
/* From vm_run_start(): a fresh device (and fresh rate limits). */
void virtio_mmio_vm_start(struct virtio_mmio *t);
/* The name the VM config gave the device, for log lines. */
const char *virtio_mmio_name(const struct virtio_mmio *t);

#endif
