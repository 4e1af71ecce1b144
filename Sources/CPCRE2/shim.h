// PCRE2's width-generic names (pcre2_compile, ...) are macros over the _8
// functions and only exist once PCRE2_CODE_UNIT_WIDTH is defined; Swift imports
// the _8 functions directly. PCRE2_ZERO_TERMINATED and PCRE2_UNSET are cast
// expressions that Swift cannot import, so they are exposed as functions.
#ifndef TRIAGEKIT_CPCRE2_SHIM_H
#define TRIAGEKIT_CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static inline size_t triage_pcre2_unset(void) { return PCRE2_UNSET; }
static inline size_t triage_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
#endif
