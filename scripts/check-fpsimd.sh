#!/bin/sh
# Fails the build if any function of the linked hypervisor other than the
# ones listed below touches an FP/SIMD register.
#
# Why: a vCPU thread runs host code with the guest's FP/SIMD registers still
# live (they are saved only on a thread switch), and so does interrupt
# context. Host C is built -mgeneral-regs-only, but library code is not:
# picolibc's printf uses q0/q1, and libgcc's __popcountdi2 (what
# __builtin_popcount becomes) uses v0. One such call on a guest exit
# silently corrupts a guest register.
#
# Allowed: the save/restore code itself (fpsimd.S), and picolibc's printf family,
# which is reached only from non-vCPU threads or between irq_fp_begin()
# and irq_fp_end() (kernel/log.c, kernel/console.c).
#
# usage: check-fpsimd.sh <objdump> <elf>
set -eu
objdump=$1
elf=$2
allowed=" arch_fp_save arch_fp_restore arch_fp_take guest_fp_trap vsnprintf snprintf __d_vfprintf __dtoa_engine "

bad=$("$objdump" -d --no-show-raw-insn "$elf" | awk -v allowed="$allowed" '
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	{
		n = split($0, f, "\t")
		if (n < 3) next
		# Branch targets print as hex (b540), which looks like a register.
		if (f[2] ~ /^(b|bl|b\.[a-z]+|cbn?z|tbn?z|adrp?)[ ]*$/) next
		if (f[3] ~ /(^|[ ,{\[])[bhsdqvz][0-9]+([.,}\] ]|$)/ &&
		    index(allowed, " " fn " ") == 0)
			used[fn] = f[2] " " f[3]
	}
	END { for (fn in used) printf "  %s: %s\n", fn, used[fn] }')

if [ -n "$bad" ]; then
	echo "check-fpsimd: $elf: FP/SIMD registers used outside the allowed functions" >&2
	echo "(they would corrupt a guest's registers; see scripts/check-fpsimd.sh):" >&2
	echo "$bad" >&2
	exit 1
fi
