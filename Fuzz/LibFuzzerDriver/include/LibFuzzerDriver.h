#ifndef TRIAGE_LIBFUZZER_DRIVER_H
#define TRIAGE_LIBFUZZER_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver (command-line options, corpus, mutation loop) on
/// `test`, as libFuzzer's own `main` would. Needs a binary linked with
/// -sanitize=fuzzer.
int triage_fuzz_main(int argc, char **argv, int (*test)(const uint8_t *data, size_t size));

#endif
