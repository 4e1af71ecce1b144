import FuzzHarness
import LibFuzzerDriver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A libFuzzer target: see `FuzzHarness.classifier` for what one input goes
// through. Built only by scripts/fuzz.sh (TRIAGE_FUZZ=1, -sanitize=fuzzer).
exit(
    triage_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
        let problems = FuzzHarness.classifier(Array(UnsafeBufferPointer(start: data, count: size)))
        if !problems.isEmpty { fatalError(problems.joined(separator: "\n")) }
        return 0
    })
