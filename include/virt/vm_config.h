/*
 * VM configurations: device-tree source files in configs/, compiled by dtc
 * and shipped in the boot bundle. One file may describe several VMs, each a
 * child of the root with compatible = "tandem,vm"; the node name is the
 * config name used by `vm create <name>`. Binding: docs/vm-config.md.
 */
#ifndef VIRT_VM_CONFIG_H
#define VIRT_VM_CONFIG_H

#include <stdarg.h>

#include <tandem/types.h>
#include <virt/vm_state.h>

#define VM_NAME_LEN	32
#define VM_MAX_MANAGED	8	/* VMs one control channel may act on */
#define VM_IMAGE_MAX_LIMIT	(256ULL << 20)	/* image-max-size at most */
#define VM_RESTART_LIMIT_DEFAULT	5	/* policy restarts ... */
#define VM_RESTART_WINDOW_DEFAULT_S	60	/* ... within this many seconds */
#define VM_FILE_LEN	64
#define VM_BOOTARGS_LEN	256
#define VM_MAX_VCPUS	8
#define VM_DEFAULT_RAM_BASE 0x40000000UL
#define VM_MAX_PASSTHRU	4	/* devices per VM */
#define PT_MAX_REGS	2	/* register ranges per device */
#define PT_MAX_IRQS	2	/* interrupts per device */
#define PT_PATH_LEN	64
#define VM_MAX_VIRTIO	4	/* virtio devices per VM */

/*
 * One board device a VM owns (a child of the VM's `passthrough` node).
 * Named by its board DTB path (`device`), its reg and interrupts are
 * filled in when the VM is created; given by `reg`, they are known here.
 * IPA and guest INTID default to the physical ones (1:1).
 */
struct vm_passthru {
	char name[VM_NAME_LEN];		/* the child node's name */
	char device[PT_PATH_LEN];	/* board DTB path, "" = by reg */
	unsigned n_regs;		/* 0 with device: from the board */
	uint64_t pa[PT_MAX_REGS], size[PT_MAX_REGS];
	unsigned n_guest_regs;		/* guest-reg entries, 0 = 1:1 */
	uint64_t ipa[PT_MAX_REGS];
	unsigned n_irqs;		/* 0 with device: from the board */
	irqid_t intid[PT_MAX_IRQS];	/* physical SPIs */
	unsigned n_guest_irqs;		/* guest-interrupts entries, 0 = 1:1 */
	irqid_t guest_intid[PT_MAX_IRQS];
	bool dma_no_iommu;		/* accepts a DMA device reaching all memory */
	bool no_dma;			/* says the device is no bus master */
};

/*
 * The VM's view of a shared-memory region (its `shm` node): the region's
 * name (every VM naming it shares the same host pages), size, where the
 * guest sees it, and its doorbell page and SPI. Binding: docs/vm-config.md,
 * "Shared memory".
 */
struct vm_shm {
	char region[VM_NAME_LEN];
	uint64_t size;			/* bytes, whole 4 KiB pages */
	uint64_t ipa;			/* guest-reg */
	uint64_t doorbell_ipa;		/* doorbell-reg, default ipa + size */
	irqid_t doorbell_intid;		/* guest SPI the peers' rings raise */
	bool read_only;			/* stage 2 without write permission */
};

/*
 * A virtio-mmio device Tandem serves the VM (a child of its `virtio`
 * node): what it is, its register window and SPI, and what the type needs.
 * Binding: docs/vm-config.md, "Virtio devices".
 */
enum vm_virtio_type {
	VM_VIRTIO_BLOCK,	/* virt/devices/virtio_blk.c */
	VM_VIRTIO_CONSOLE,	/* virt/devices/virtio_console.c */
	VM_VIRTIO_NET,		/* virt/devices/virtio_net.c */
	VM_VIRTIO_CONTROL,	/* virt/devices/virtio_control.c */
	VM_VIRTIO_TYPE_COUNT
};

/* Written virtio-blk sectors a VM may hold in host RAM, all its disks
 * together, unless its `virtio` node's block-write-quota says otherwise. */
#define VM_BLK_WRITE_QUOTA_DEFAULT	(64ULL << 20)

struct vm_virtio {
	char name[VM_NAME_LEN];		/* the child node's name */
	enum vm_virtio_type type;
	uint64_t ipa;			/* guest-reg: VIRTIO_MMIO_SIZE bytes */
	irqid_t intid;			/* interrupt: a guest SPI */
	char image[VM_FILE_LEN];	/* block: the disk image, a bundle file */
	bool read_only;			/* block: writes fail */
	char network[VM_NAME_LEN];	/* net: the switch its card plugs into */
	uint8_t mac[6];			/* net: given, or derived from the names */
	bool allow_mac_spoofing;	/* net: may send from other source MACs */
	/* control: the VMs (by name) its requests may act on */
	char manages[VM_MAX_MANAGED][VM_NAME_LEN];
	unsigned n_manages;
};

enum vm_image_format {
	VM_IMAGE_LINUX,		/* arm64 Image: header gives text_offset, image_size */
	VM_IMAGE_ELF,		/* ELF64: PT_LOAD segments at their physical addresses */
	VM_IMAGE_RAW,		/* raw binary loaded at load-address, entry at entry */
};

struct vm_config {
	char name[VM_NAME_LEN];		/* node name */
	char file[VM_FILE_LEN];		/* config file it came from, for messages */
	unsigned n_vcpus;
	uint64_t ram_base;		/* guest-physical (IPA), 2 MiB aligned */
	uint64_t ram_size;		/* bytes, multiple of 2 MiB */
	uint64_t ram_phys;		/* host-physical placement, 0 = any (page 0 is never RAM for a VM) */
	char kernel[VM_FILE_LEN];	/* path inside the bundle */
	enum vm_image_format format;
	uint64_t load_addr;		/* raw: IPA to load at (default ram_base) */
	uint64_t entry;			/* raw: entry IPA (default load_addr) */
	char initrd[VM_FILE_LEN];	/* "" = none */
	char bootargs[VM_BOOTARGS_LEN];
	cpuid_t vcpu_cpu[VM_MAX_VCPUS];	/* physical core of each vCPU */
	int vcpu_prio[VM_MAX_VCPUS];	/* host thread priority, 0..31 */
	bool autostart;
	bool watchdog;			/* an SP805 at GUEST_WDOG_BASE (virt/devices/sp805.c) */
	struct vm_policy policy;	/* on-crash, on-watchdog, on-poweroff, restart-limit */
	uint64_t image_max;		/* image-max-size: 0 = no image replacement */
	unsigned n_passthru;
	struct vm_passthru passthru[VM_MAX_PASSTHRU];
	bool has_shm;
	struct vm_shm shm;
	unsigned n_virtio;
	struct vm_virtio virtio[VM_MAX_VIRTIO];
	uint64_t blk_write_quota;	/* bytes its disks may hold written in RAM */
};

/*
 * Parse every "tandem,vm" node of a compiled config. `file` names the source
 * for messages; n_host_cpus bounds vcpu-cpus. Fills up to max entries and
 * *count. Returns 0, or -errno with err = one line naming file, node and
 * property, e.g. "configs/linux.dts: /linux: property 'vcpus': 9 exceeds the
 * maximum of 8".
 */
int vm_config_parse(const void *fdt, const char *file, unsigned n_host_cpus,
		    struct vm_config *out, unsigned max, unsigned *count,
		    char *err, size_t errlen);

/* How many VMs vm_config_parse() would fill in (the root's children), so
 * a caller can make room for them first; -EINVAL for a broken blob. */
int vm_config_count_vms(const void *fdt);

/* Cross-VM checks: unique names, host-physical RAM ranges that overlap,
 * a device (path, register range or interrupt) given to two VMs, a
 * shared region two VMs give different sizes. */
int vm_config_check_set(const struct vm_config *cfgs, unsigned n, char *err,
			size_t errlen);

/* "<file>: <node path>: <message>" into err, one printable line. */
void vm_config_verr(const void *fdt, int node, const char *file, char *err, size_t errlen,
		    const char *fmt, va_list ap);

#endif
