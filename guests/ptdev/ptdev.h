/*
 * The ptdev guest's two passed-through devices, as its tests share them:
 * QEMU virt's PL031 RTC and PL061 GPIO (registers, INTIDs), the PL061
 * helpers of gpio_latency.c and the tests of each file.
 */
#ifndef PTDEV_H
#define PTDEV_H

#include <lib/types.h>

#define RTC_BASE	0x09010000UL
#define RTC_DR		0x000	/* data: seconds */
#define RTC_MR		0x004	/* match */
#define RTC_IMSC	0x010	/* interrupt mask set/clear */
#define RTC_RIS		0x014
#define RTC_ICR		0x01c
#define RTC_PERIPHID0	0xfe0
#define RTC_INTID	34

#define GPIO_BASE	0x09030000UL
#define GPIO_DATA_PIN0	0x004	/* GPIODATA, address bits [9:2] = pin 0 */
#define GPIO_DIR	0x400
#define GPIO_IS		0x404	/* interrupt sense: 1 = level */
#define GPIO_IBE	0x408
#define GPIO_IEV	0x40c	/* interrupt event: 1 = high level */
#define GPIO_IE		0x410	/* interrupt mask: 1 = unmasked */
#define GPIO_RIS	0x414
#define GPIO_MIS	0x418
#define GPIO_PERIPHID0	0xfe0
#define GPIO_INTID	39
#define GPIO_PIN	BIT(0)

uint32_t gpio_readl(unsigned int reg);
void gpio_writel(uint32_t val, unsigned int reg);
/* Pin 0 an input whose level interrupt is already raised, but masked. */
bool gpio_arm(void);
/* Spin until *count reaches want (a bounded number of looks). */
bool wait_count(volatile unsigned int *count, unsigned int want);
/* Route an SPI to this CPU, with its handler, and enable it. */
void spi_take_here(unsigned int intid, void (*handler)(unsigned int));
void spi_disable(unsigned int intid);

void test_gpio_latency(void);
void test_gpio_line_at_start(void);
void test_uart_reset(void);
void test_gpio_cpu_reset(void);
void test_leave_lines_up(void);

#endif
