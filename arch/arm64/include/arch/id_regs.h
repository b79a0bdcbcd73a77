/*
 * The guest's view of the ID registers (arch/arm64/id_regs.c): a table of
 * register, field, policy and reason. Host-testable: no system-register
 * access here, the caller passes the hardware value in.
 */
#ifndef ARCH_ID_REGS_H
#define ARCH_ID_REGS_H

#include <stdint.h>

/* An ID register in the trapped space op0=3, op1=0, CRn=0, CRm=1..7. */
#define ID_REG(crm, op2) ((crm) * 8 + (op2))

enum id_policy {
	ID_PASS,	/* the hardware's value */
	ID_CLAMP,	/* the hardware's value, at most `value` (unsigned field) */
	ID_FIXED,	/* always `value`, whatever the hardware has */
	ID_HIDE,	/* the field's "not implemented" encoding, `value` */
	ID_IPA,		/* PARange: at most the VM's stage-2 IPA size */
};

struct id_field {
	uint8_t reg;		/* ID_REG(crm, op2) */
	uint8_t shift;		/* 4-bit field at [shift+3:shift] */
	uint8_t policy;		/* enum id_policy */
	uint8_t value;
	const char *name;	/* "ID_AA64PFR0_EL1.EL3" */
	const char *reason;
};

/* The table; fields it does not list read as 0. */
extern const struct id_field id_fields[];
extern const unsigned id_fields_count;

/* What a guest with a stage 2 of ipa_bits reads for register reg, whose
 * hardware value is hw. */
uint64_t id_reg_filter(unsigned reg, uint64_t hw, unsigned ipa_bits);

#endif
