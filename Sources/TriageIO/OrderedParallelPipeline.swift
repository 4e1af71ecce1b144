import Foundation

/// Runs a transform on worker threads while keeping input order.
///
/// The calling thread pulls inputs from `source` and hands results to `sink`
/// strictly in input order; `jobs` worker threads run `transform` in
/// between. At most `maxInFlight` inputs (default `2 × jobs`) have been taken
/// from the source and not yet given to the sink, so memory stays bounded
/// however long the input is: a slow sink (or one slow chunk) makes the
/// source wait instead of piling up results.
///
/// Each worker makes its own `State` once, on its own thread (a classifier
/// scratch, a parser with its buffers), and passes it `inout` to every
/// transform it runs, so states are never shared and need not be `Sendable`.
///
/// With `jobs == 1` no thread is started: source, transform and sink run
/// inline on the calling thread, which is both the fastest and the easiest
/// case to debug.
///
/// Errors stop the pipeline: an error from `source` or `sink` is rethrown at
/// once; an error from `transform` is rethrown when its input's turn comes,
/// after the results of all earlier inputs have reached the sink. Either way
/// the workers finish the transform they are running, take no new input and
/// have exited when `run` returns.
public enum OrderedParallelPipeline {
    /// The number of workers to use by default: the active processor count.
    public static var defaultJobs: Int { ProcessInfo.processInfo.activeProcessorCount }

    public static func run<Input: Sendable, Output: Sendable, State>(
        jobs: Int = defaultJobs,
        maxInFlight: Int? = nil,
        source: () throws -> Input?,
        makeState: @escaping @Sendable () -> State,
        transform: @escaping @Sendable (inout State, Input) throws -> Output,
        sink: (Output) throws -> Void
    ) throws {
        let jobs = max(1, jobs)
        if jobs == 1 {
            var state = makeState()
            while let input = try source() {
                try sink(try transform(&state, input))
            }
            return
        }
        let limit = max(1, maxInFlight ?? 2 * jobs)
        let shared = PipelineShared<Input, Output>(workers: jobs)
        for _ in 0..<jobs {
            let thread = Thread {
                var state = makeState()
                shared.work { input in try transform(&state, input) }
            }
            thread.name = "triage-worker"
            thread.start()
        }
        defer { shared.stopAndJoin() }

        var submitted = 0
        var delivered = 0
        var sourceDone = false
        while true {
            while !sourceDone && submitted - delivered < limit {
                if let input = try source() {
                    shared.submit(input, sequence: submitted)
                    submitted += 1
                } else {
                    sourceDone = true
                    shared.finishInput()
                }
            }
            if delivered == submitted { return }
            let result = shared.waitForResult(sequence: delivered)
            delivered += 1
            try sink(try result.get())
        }
    }
}

/// The state shared by the calling thread and the workers.
///
/// `@unchecked Sendable` because every mutable property is read and written
/// only while holding `condition`'s lock, which the compiler cannot see; the
/// inputs and outputs that cross threads are themselves `Sendable`.
private final class PipelineShared<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// Inputs waiting for a worker, oldest first, with their sequence numbers.
    /// Never longer than the in-flight limit, so removing from the front is
    /// cheap; and an input must not stay referenced here once taken, or its
    /// memory would outlive the limit.
    private var queue: [(Int, Input)] = []
    /// Finished results not yet delivered, by sequence number.
    private var results: [Int: Result<Output, any Error>] = [:]
    private var inputFinished = false
    private var stopped = false
    private var liveWorkers: Int

    init(workers: Int) { liveWorkers = workers }

    func submit(_ input: Input, sequence: Int) {
        condition.lock()
        queue.append((sequence, input))
        condition.broadcast()
        condition.unlock()
    }

    func finishInput() {
        condition.lock()
        inputFinished = true
        condition.broadcast()
        condition.unlock()
    }

    func waitForResult(sequence: Int) -> Result<Output, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let r = results.removeValue(forKey: sequence) { return r }
            condition.wait()
        }
    }

    /// A worker's loop: take inputs until the input ends or the pipeline stops.
    func work(_ transform: (Input) throws -> Output) {
        while true {
            condition.lock()
            while queue.isEmpty && !inputFinished && !stopped { condition.wait() }
            if stopped || queue.isEmpty {
                liveWorkers -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            var taken: (sequence: Int, input: Input)? = queue.removeFirst()
            condition.unlock()

            let sequence = taken!.sequence
            let result = Result { try transform(taken!.input) }
            // Release the input before publishing the result: once the
            // result is out, the source may be asked for the next input, and
            // this one must not count against the limit any more.
            taken = nil

            condition.lock()
            results[sequence] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Tells the workers to stop and waits until all of them have exited.
    func stopAndJoin() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while liveWorkers > 0 { condition.wait() }
        condition.unlock()
    }
}
