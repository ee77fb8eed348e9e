/* The measured region under callgrind (PLAN 2): run as
 * `valgrind --tool=callgrind --instr-atstart=no`, a driver counts
 * instructions only between INSTR_START and INSTR_STOP, in every thread of
 * the process (otto's loop thread included). Outside valgrind, or where its
 * headers are missing (the build defines OTTO_BENCH_CALLGRIND when they are
 * there), both do nothing. */
#ifndef OTTO_BENCH_INSTR_REGION_H
#define OTTO_BENCH_INSTR_REGION_H

#ifdef OTTO_BENCH_CALLGRIND
#include <valgrind/callgrind.h>
#define INSTR_START() CALLGRIND_START_INSTRUMENTATION
#define INSTR_STOP() CALLGRIND_STOP_INSTRUMENTATION
#else
#define INSTR_START() ((void)0)
#define INSTR_STOP() ((void)0)
#endif

#endif
