/* Build identity, generated at link time (see the Makefile). */
#ifndef TANDEM_VERSION_H
#define TANDEM_VERSION_H

extern const char tandem_version[];
extern const char tandem_build_date[];

#endif
