/*
 * The virtio-mmio transport's registers (include/virt/virtio.h), as a
 * table: each row an offset and what a read or a write of it does. Only
 * 32-bit aligned accesses reach the registers (the spec's rule for the
 * control registers); the device's config space from 0x100 takes 1, 2 and
 * 4 bytes. A write-only register reads as zero, a read-only one ignores
 * writes; an offset with no register is refused (abort).
 *
 * What the guest may get wrong, and what it then sees:
 *   a feature not offered, or no VERSION_1   FEATURES_OK stays clear
 *   a status bit cleared without a reset     the write is ignored
 *   DRIVER_OK before FEATURES_OK             DRIVER_OK stays clear
 *   QueueReady = 1 with a size that is not a power of two up to
 *   QueueNumMax, or areas not aligned inside RAM   DEVICE_NEEDS_RESET,
 *                                            QueueReady reads 0
 *   queue set-up written while it runs      ignored
 *   a notify of a queue that does not run   ignored
 *   a broken ring (virtio_queue_pop)         DEVICE_NEEDS_RESET
 * each with one rate-limited line through host->warn.
 */
#include <virt/virtio.h>

#include <errno.h>
#include <string.h>

struct vio_reg {
	uint32_t offset;
	uint32_t (*read)(struct virtio_mmio *t);
	void (*write)(struct virtio_mmio *t, uint32_t val);
};

static void update_irq(struct virtio_mmio *t)
{
	bool level = t->isr != 0;

	if (level != t->irq_level) {
		t->irq_level = level;
		t->host->set_irq(t, level);
	}
}

void virtio_warn(struct virtio_mmio *t, enum virtio_warn why, const char *what, uint64_t val)
{
	t->host->warn(t, why, what, val);
}

static struct virtq *selected(struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->n_queues ? &t->q[t->queue_sel] : NULL;
}

static uint64_t offered(const struct virtio_mmio *t)
{
	return t->ops->features | VIRTIO_F_VERSION_1;
}

/* ---- identification -------------------------------------------------------- */

static uint32_t read_magic(struct virtio_mmio *t) { return VIRTIO_MMIO_MAGIC_VALUE; }
static uint32_t read_version(struct virtio_mmio *t) { return VIRTIO_MMIO_VERSION; }
static uint32_t read_device_id(struct virtio_mmio *t) { return t->ops->device_id; }
static uint32_t read_vendor_id(struct virtio_mmio *t) { return VIRTIO_VENDOR_TANDEM; }
static uint32_t read_generation(struct virtio_mmio *t) { return t->config_generation; }

/* ---- features --------------------------------------------------------------- */

static uint32_t read_dev_features(struct virtio_mmio *t)
{
	/* Words past the second are all zero: no feature lives there. */
	return t->dev_features_sel < 2 ? (uint32_t)(offered(t) >> (32 * t->dev_features_sel)) : 0;
}

static void write_dev_features_sel(struct virtio_mmio *t, uint32_t v) { t->dev_features_sel = v; }
static void write_drv_features_sel(struct virtio_mmio *t, uint32_t v) { t->drv_features_sel = v; }

static void write_drv_features(struct virtio_mmio *t, uint32_t v)
{
	unsigned shift;

	if (t->status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_NEEDS_RESET)) {
		virtio_warn(t, VIRTIO_WARN_FEATURES, "features written after FEATURES_OK", v);
		return;
	}
	if (t->drv_features_sel >= 2) {
		/* No feature lives there: remember, so FEATURES_OK is refused. */
		if (v)
			t->drv_features_unknown = true;
		return;
	}
	shift = 32 * t->drv_features_sel;
	t->drv_features = (t->drv_features & ~(0xffffffffULL << shift)) | (uint64_t)v << shift;
}

/* ---- status ----------------------------------------------------------------- */

static uint32_t read_status(struct virtio_mmio *t) { return t->status; }

static bool features_acceptable(struct virtio_mmio *t)
{
	uint64_t extra = t->drv_features & ~offered(t);

	if (t->drv_features_unknown) {
		virtio_warn(t, VIRTIO_WARN_FEATURES, "driver accepted features past bit 63",
			    t->drv_features_sel);
		return false;
	}
	if (extra) {
		virtio_warn(t, VIRTIO_WARN_FEATURES, "driver accepted features not offered", extra);
		return false;
	}
	if (!(t->drv_features & VIRTIO_F_VERSION_1)) {
		virtio_warn(t, VIRTIO_WARN_FEATURES, "driver did not accept VERSION_1 (legacy)",
			    t->drv_features);
		return false;
	}
	return true;
}

static void write_status(struct virtio_mmio *t, uint32_t v)
{
	uint32_t was = t->status, want;

	if (v == 0) {
		virtio_mmio_reset(t);
		return;
	}
	want = (v & 0xff & ~VIRTIO_STATUS_NEEDS_RESET) | (was & VIRTIO_STATUS_NEEDS_RESET);
	if (was & ~want) {
		virtio_warn(t, VIRTIO_WARN_STATUS, "status bits cleared without a reset", v);
		return;
	}
	if ((want & ~was & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t)) {
		/* Said once; a DRIVER_OK in the same write falls with it. */
		t->status = want & ~(VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
		return;
	}
	if ((want & ~was & VIRTIO_STATUS_DRIVER_OK) && !(want & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_warn(t, VIRTIO_WARN_STATUS, "DRIVER_OK without FEATURES_OK", v);
		want &= ~VIRTIO_STATUS_DRIVER_OK;
	}
	t->status = want;
}

/* ---- queues ----------------------------------------------------------------- */

static void write_queue_sel(struct virtio_mmio *t, uint32_t v) { t->queue_sel = v; }

static uint32_t read_queue_num_max(struct virtio_mmio *t)
{
	return selected(t) ? t->ops->queue_max : 0;
}

static uint32_t read_queue_ready(struct virtio_mmio *t)
{
	struct virtq *q = selected(t);

	return q && q->ready;
}

/* The selected queue, if its set-up may be written now. */
static struct virtq *settable(struct virtio_mmio *t, uint32_t v)
{
	struct virtq *q = selected(t);

	if (!q) {
		virtio_warn(t, VIRTIO_WARN_QUEUE, "set-up of a queue that does not exist",
			    t->queue_sel);
		return NULL;
	}
	if (q->ready) {
		virtio_warn(t, VIRTIO_WARN_QUEUE, "set-up written while the queue runs", v);
		return NULL;
	}
	return q;
}

static void write_queue_num(struct virtio_mmio *t, uint32_t v)
{
	struct virtq *q = settable(t, v);

	/* Checked when the queue is made ready; kept here as written, cut to
	 * the register's 16 bits of meaning only after that check. */
	if (q)
		q->num = v > 0xffff ? 0 : (uint16_t)v;
}

static void set_half(uint64_t *area, uint32_t v, bool high)
{
	*area = high ? (*area & 0xffffffffULL) | (uint64_t)v << 32
		     : (*area & ~0xffffffffULL) | v;
}

#define AREA_WRITER(fn, field, high)					\
	static void fn(struct virtio_mmio *t, uint32_t v)		\
	{								\
		struct virtq *q = settable(t, v);			\
									\
		if (q)							\
			set_half(&q->field, v, high);			\
	}

AREA_WRITER(write_desc_low, desc, false)
AREA_WRITER(write_desc_high, desc, true)
AREA_WRITER(write_driver_low, avail, false)
AREA_WRITER(write_driver_high, avail, true)
AREA_WRITER(write_device_low, used, false)
AREA_WRITER(write_device_high, used, true)

static void write_queue_ready(struct virtio_mmio *t, uint32_t v)
{
	struct virtq *q = selected(t);
	const char *why;
	uint64_t bad;

	if (!q) {
		virtio_warn(t, VIRTIO_WARN_QUEUE, "QueueReady of a queue that does not exist",
			    t->queue_sel);
		return;
	}
	if (!(v & 1)) {
		q->ready = false;
		return;
	}
	if (q->ready || (t->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	if (q->num > t->ops->queue_max) {
		virtio_mmio_fail(t, VIRTIO_WARN_QUEUE, "queue size above QueueNumMax", q->num);
		return;
	}
	if (virtq_check(q, &t->mem, &why, &bad)) {
		virtio_mmio_fail(t, VIRTIO_WARN_QUEUE, why, bad);
		return;
	}
	q->last_avail = 0;
	q->used_idx = 0;
	q->ready = true;
}

static bool queue_runs(const struct virtio_mmio *t, uint32_t v)
{
	return v < t->ops->n_queues && t->q[v].ready && (t->status & VIRTIO_STATUS_DRIVER_OK);
}

static void write_queue_notify(struct virtio_mmio *t, uint32_t v)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;		/* said once already, when it broke */
	if (!queue_runs(t, v)) {
		virtio_warn(t, VIRTIO_WARN_NOTIFY, "notify of a queue that is not running", v);
		return;
	}
	t->again &= ~(1u << v);
	t->ops->notify(t, v);
}

/* ---- interrupts ------------------------------------------------------------- */

static uint32_t read_isr(struct virtio_mmio *t) { return t->isr; }

static void write_isr_ack(struct virtio_mmio *t, uint32_t v)
{
	t->isr &= ~v;
	update_irq(t);
}

/* ---- shared memory regions: none (SHMLen reads all ones) ------------------- */

static void write_shm_sel(struct virtio_mmio *t, uint32_t v) { }
static uint32_t read_no_shm(struct virtio_mmio *t) { return 0xffffffffU; }

static const struct vio_reg vio_regs[] = {
	{ VIRTIO_MMIO_MAGIC, read_magic, NULL },
	{ VIRTIO_MMIO_VERSION_REG, read_version, NULL },
	{ VIRTIO_MMIO_DEVICE_ID, read_device_id, NULL },
	{ VIRTIO_MMIO_VENDOR_ID, read_vendor_id, NULL },
	{ VIRTIO_MMIO_DEVICE_FEATURES, read_dev_features, NULL },
	{ VIRTIO_MMIO_DEVICE_FEATURES_SEL, NULL, write_dev_features_sel },
	{ VIRTIO_MMIO_DRIVER_FEATURES, NULL, write_drv_features },
	{ VIRTIO_MMIO_DRIVER_FEATURES_SEL, NULL, write_drv_features_sel },
	{ VIRTIO_MMIO_QUEUE_SEL, NULL, write_queue_sel },
	{ VIRTIO_MMIO_QUEUE_NUM_MAX, read_queue_num_max, NULL },
	{ VIRTIO_MMIO_QUEUE_NUM, NULL, write_queue_num },
	{ VIRTIO_MMIO_QUEUE_READY, read_queue_ready, write_queue_ready },
	{ VIRTIO_MMIO_QUEUE_NOTIFY, NULL, write_queue_notify },
	{ VIRTIO_MMIO_INTERRUPT_STATUS, read_isr, NULL },
	{ VIRTIO_MMIO_INTERRUPT_ACK, NULL, write_isr_ack },
	{ VIRTIO_MMIO_STATUS, read_status, write_status },
	{ VIRTIO_MMIO_QUEUE_DESC_LOW, NULL, write_desc_low },
	{ VIRTIO_MMIO_QUEUE_DESC_HIGH, NULL, write_desc_high },
	{ VIRTIO_MMIO_QUEUE_DRIVER_LOW, NULL, write_driver_low },
	{ VIRTIO_MMIO_QUEUE_DRIVER_HIGH, NULL, write_driver_high },
	{ VIRTIO_MMIO_QUEUE_DEVICE_LOW, NULL, write_device_low },
	{ VIRTIO_MMIO_QUEUE_DEVICE_HIGH, NULL, write_device_high },
	{ VIRTIO_MMIO_SHM_SEL, NULL, write_shm_sel },
	{ VIRTIO_MMIO_SHM_LEN_LOW, read_no_shm, NULL },
	{ VIRTIO_MMIO_SHM_LEN_HIGH, read_no_shm, NULL },
	{ VIRTIO_MMIO_SHM_BASE_LOW, read_no_shm, NULL },
	{ VIRTIO_MMIO_SHM_BASE_HIGH, read_no_shm, NULL },
	{ VIRTIO_MMIO_CONFIG_GENERATION, read_generation, NULL },
};

static int config_access(struct virtio_mmio *t, uint32_t off, unsigned size, bool write,
			 uint64_t *val)
{
	const struct virtio_dev_ops *o = t->ops;

	if ((size != 1 && size != 2 && size != 4) || !IS_ALIGNED(off, size))
		return -EINVAL;
	if (off + size > o->config_size) {
		virtio_warn(t, VIRTIO_WARN_CONFIG, "config access past its end", off);
		if (!write)
			*val = 0;
		return 0;
	}
	if (!write) {
		*val = o->config_read(t, off, size);
		return 0;
	}
	if (!o->config_write || !o->config_write(t, off, size, (uint32_t)*val))
		virtio_warn(t, VIRTIO_WARN_CONFIG, "write to a read-only config field", off);
	return 0;
}

int virtio_mmio_access(struct virtio_mmio *t, uint64_t off, unsigned size, bool write,
		       uint64_t *val)
{
	if (off >= VIRTIO_MMIO_SIZE)
		return -EINVAL;
	if (off >= VIRTIO_MMIO_CONFIG)
		return config_access(t, (uint32_t)(off - VIRTIO_MMIO_CONFIG), size, write, val);
	if (size != 4 || !IS_ALIGNED(off, 4))
		return -EINVAL;
	for (unsigned i = 0; i < ARRAY_SIZE(vio_regs); i++) {
		const struct vio_reg *row = &vio_regs[i];

		if (row->offset != off)
			continue;
		if (write) {
			if (row->write)
				row->write(t, (uint32_t)*val);
			else
				virtio_warn(t, VIRTIO_WARN_REGISTER, "write to a read-only register", off);
			return 0;
		}
		*val = row->read ? row->read(t) : 0;
		return 0;
	}
	return -EINVAL;
}

/* ---- for back ends ------------------------------------------------------------ */

void virtio_mmio_fail(struct virtio_mmio *t, enum virtio_warn why, const char *what,
		      uint64_t val)
{
	bool was = t->status & VIRTIO_STATUS_NEEDS_RESET;

	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
		t->q[i].ready = false;
	if (was)
		return;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_warn(t, why, what, val);
	if (t->status & VIRTIO_STATUS_DRIVER_OK) {
		t->isr |= VIRTIO_INT_CONFIG;
		update_irq(t);
	}
}

int virtio_queue_pop(struct virtio_mmio *t, unsigned queue, struct virtq_chain *c)
{
	int ret;

	if (queue >= t->ops->n_queues || (t->status & VIRTIO_STATUS_NEEDS_RESET))
		return 0;
	ret = virtq_pop(&t->q[queue], &t->mem, c);
	if (ret < 0) {
		virtio_mmio_fail(t, VIRTIO_WARN_RING, virtq_err_name((enum virtq_err)-ret), queue);
		return 0;
	}
	return ret;
}

void virtio_queue_push(struct virtio_mmio *t, unsigned queue, uint16_t head, uint32_t len)
{
	int ret;

	if (queue >= t->ops->n_queues || !t->q[queue].ready)
		return;
	ret = virtq_push(&t->q[queue], &t->mem, head, len);
	if (ret < 0) {
		virtio_mmio_fail(t, VIRTIO_WARN_RING, "used ring outside RAM", queue);
		return;
	}
	if (ret) {
		t->isr |= VIRTIO_INT_USED;
		update_irq(t);
	}
}

void virtio_notify_again(struct virtio_mmio *t, unsigned queue)
{
	if (queue < t->ops->n_queues)
		t->again |= 1u << queue;
}

bool virtio_stopping(struct virtio_mmio *t)
{
	return t->host->stopping && t->host->stopping(t);
}

bool virtio_mmio_continue(struct virtio_mmio *t)
{
	uint32_t todo = t->again;

	t->again = 0;
	for (unsigned q = 0; q < t->ops->n_queues; q++)
		if ((todo & (1u << q)) && !(t->status & VIRTIO_STATUS_NEEDS_RESET) &&
		    queue_runs(t, q))
			t->ops->notify(t, q);
	return t->again != 0;
}

void virtio_config_changed(struct virtio_mmio *t)
{
	t->config_generation++;
	if (t->status & VIRTIO_STATUS_DRIVER_OK) {
		t->isr |= VIRTIO_INT_CONFIG;
		update_irq(t);
	}
}

uint32_t virtio_config_bytes(const void *cfg, size_t cfg_len, uint32_t off, unsigned size)
{
	const uint8_t *p = cfg;
	uint32_t v = 0;

	for (unsigned i = 0; i < size && i < 4; i++)
		if (off + i < cfg_len)
			v |= (uint32_t)p[off + i] << (8 * i);
	return v;
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
	t->status = 0;
	t->dev_features_sel = 0;
	t->drv_features_sel = 0;
	t->drv_features = 0;
	t->drv_features_unknown = false;
	t->queue_sel = 0;
	t->isr = 0;
	t->again = 0;
	memset(t->q, 0, sizeof(t->q));
	update_irq(t);
	if (t->ops->reset)
		t->ops->reset(t);
}

void virtio_mmio_init(struct virtio_mmio *t, const struct virtio_dev_ops *ops, void *dev,
		      const struct virtio_host_ops *host, void *host_ctx,
		      const struct guest_mem *mem)
{
	memset(t, 0, sizeof(*t));
	t->ops = ops;
	t->dev = dev;
	t->host = host;
	t->host_ctx = host_ctx;
	t->mem = *mem;
	virtio_mmio_reset(t);
}

const char *virtio_warn_name(enum virtio_warn why)
{
	static const char *const names[VIRTIO_WARN_COUNT] = {
		[VIRTIO_WARN_FEATURES] = "features", [VIRTIO_WARN_STATUS] = "status",
		[VIRTIO_WARN_QUEUE] = "queue", [VIRTIO_WARN_NOTIFY] = "notify",
		[VIRTIO_WARN_RING] = "ring", [VIRTIO_WARN_REQUEST] = "request",
		[VIRTIO_WARN_CONFIG] = "config", [VIRTIO_WARN_REGISTER] = "register",
	};

	return (unsigned)why < VIRTIO_WARN_COUNT ? names[why] : "?";
}
