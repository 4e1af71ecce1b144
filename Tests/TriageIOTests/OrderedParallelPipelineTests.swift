import Foundation
import Testing
@testable import TriageIO

/// Counters shared with worker threads; `@unchecked Sendable` because every
/// access holds the lock.
private final class Counters: @unchecked Sendable {
    private let lock = NSLock()
    private var running = 0
    private(set) var maxRunning = 0
    private(set) var transforms = 0
    private(set) var states = 0

    func begin() {
        lock.lock()
        running += 1
        transforms += 1
        maxRunning = max(maxRunning, running)
        lock.unlock()
    }

    func end() {
        lock.lock()
        running -= 1
        lock.unlock()
    }

    func makeState() -> Int {
        lock.lock()
        defer { lock.unlock() }
        states += 1
        return states
    }

    var transformCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return transforms
    }
}

private struct Failure: Error, Equatable {
    var at: Int
}

/// Sleeps up to `maxMicroseconds`, so that workers finish out of order.
private func jitter(_ maxMicroseconds: UInt32) {
    usleep(UInt32.random(in: 0...maxMicroseconds))
}

@Suite struct OrderedParallelPipelineTests {
    @Test(arguments: [1, 2, 4])
    func deliversInInputOrder(jobs: Int) throws {
        let counters = Counters()
        var next = 0
        var taken = 0
        var delivered: [Int] = []
        var maxInFlight = 0
        try OrderedParallelPipeline.run(
            jobs: jobs,
            source: { () -> Int? in
                guard next < 300 else { return nil }
                defer { next += 1 }
                taken += 1
                maxInFlight = max(maxInFlight, taken - delivered.count)
                return next
            },
            makeState: { counters.makeState() },
            transform: { (state: inout Int, input: Int) -> (Int, Int) in
                counters.begin()
                defer { counters.end() }
                jitter(300)
                return (input * 2, state)
            },
            sink: { result in delivered.append(result.0) })
        #expect(delivered == (0..<300).map { $0 * 2 })
        #expect(counters.states == jobs)
        #expect(counters.maxRunning <= jobs)
        #expect(maxInFlight <= 2 * jobs)
        if jobs > 1 { #expect(counters.maxRunning > 1) }
    }

    @Test func eachWorkerKeepsItsOwnState() throws {
        // The state counts the inputs its worker handled; together they cover all.
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var perWorker: [Int: Int] = [:]
        }
        let tally = Tally()
        let counters = Counters()
        var next = 0
        try OrderedParallelPipeline.run(
            jobs: 3,
            source: { () -> Int? in
                guard next < 200 else { return nil }
                next += 1
                return next
            },
            makeState: { (id: counters.makeState(), handled: 0) },
            transform: { (state: inout (id: Int, handled: Int), _: Int) -> Int in
                state.handled += 1
                tally.lock.lock()
                tally.perWorker[state.id] = state.handled
                tally.lock.unlock()
                jitter(100)
                return state.id
            },
            sink: { _ in })
        #expect(tally.perWorker.values.reduce(0, +) == 200)
        #expect(Set(tally.perWorker.keys).isSubset(of: [1, 2, 3]))
    }

    @Test(arguments: [1, 2, 4])
    func sinkErrorStopsEarly(jobs: Int) throws {
        let counters = Counters()
        var taken = 0
        var delivered: [Int] = []
        #expect(throws: Failure(at: 10)) {
            try OrderedParallelPipeline.run(
                jobs: jobs,
                source: { () -> Int? in
                    taken += 1
                    return taken - 1  // endless
                },
                makeState: {},
                transform: { (_: inout Void, input: Int) -> Int in
                    counters.begin()
                    defer { counters.end() }
                    jitter(200)
                    return input
                },
                sink: { value in
                    if value == 10 { throw Failure(at: value) }
                    delivered.append(value)
                })
        }
        #expect(delivered == Array(0..<10))
        #expect(taken <= 11 + 2 * jobs)
        // Every worker has exited: nothing runs after `run` returned.
        let after = counters.transformCount
        usleep(20_000)
        #expect(counters.transformCount == after)
    }

    @Test(arguments: [1, 2, 4])
    func sourceErrorStops(jobs: Int) {
        var next = 0
        var delivered: [Int] = []
        #expect(throws: Failure(at: 50)) {
            try OrderedParallelPipeline.run(
                jobs: jobs,
                source: { () -> Int? in
                    if next == 50 { throw Failure(at: 50) }
                    next += 1
                    return next - 1
                },
                makeState: {},
                transform: { (_: inout Void, input: Int) -> Int in
                    jitter(100)
                    return input
                },
                sink: { delivered.append($0) })
        }
        #expect(delivered == Array(0..<delivered.count))
        #expect(delivered.count <= 50)
    }

    @Test(arguments: [1, 2, 4])
    func transformErrorArrivesInOrder(jobs: Int) {
        var next = 0
        var delivered: [Int] = []
        #expect(throws: Failure(at: 30)) {
            try OrderedParallelPipeline.run(
                jobs: jobs,
                source: { () -> Int? in
                    guard next < 100 else { return nil }
                    next += 1
                    return next - 1
                },
                makeState: {},
                transform: { (_: inout Void, input: Int) -> Int in
                    if input == 30 { throw Failure(at: 30) }
                    if input == 31 { throw Failure(at: 31) }  // later: never reported
                    jitter(200)
                    return input
                },
                sink: { delivered.append($0) })
        }
        // Everything before the failing input reached the sink, nothing after it.
        #expect(delivered == Array(0..<30))
    }

    @Test func longInputStaysBounded() throws {
        let jobs = 2
        var next = 0
        var deliveredCount = 0
        var maxInFlight = 0
        var sum = 0
        try OrderedParallelPipeline.run(
            jobs: jobs,
            source: { () -> [UInt8]? in
                guard next < 20_000 else { return nil }
                next += 1
                maxInFlight = max(maxInFlight, next - deliveredCount)
                return [UInt8](repeating: UInt8(next & 0xFF), count: 64)
            },
            makeState: {},
            transform: { (_: inout Void, chunk: [UInt8]) -> Int in chunk.reduce(0) { $0 + Int($1) } },
            sink: { value in
                deliveredCount += 1
                sum += value
            })
        #expect(deliveredCount == 20_000)
        #expect(sum == (1...20_000).reduce(0) { $0 + 64 * ($1 & 0xFF) })
        #expect(maxInFlight <= 2 * jobs)
    }

    @Test(arguments: [1, 2, 4])
    func releasesInputsOnceTransformed(jobs: Int) throws {
        // Inputs count themselves while alive: none may linger in the
        // pipeline's queue after a worker took it, or memory is not bounded.
        final class Live: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            func add(_ n: Int) {
                lock.lock()
                count += n
                lock.unlock()
            }
            var value: Int {
                lock.lock()
                defer { lock.unlock() }
                return count
            }
        }
        final class Input: @unchecked Sendable {
            let live: Live
            init(_ live: Live) {
                self.live = live
                live.add(1)
            }
            deinit { live.add(-1) }
        }
        let live = Live()
        var next = 0
        var maxLive = 0
        try OrderedParallelPipeline.run(
            jobs: jobs,
            source: { () -> Input? in
                maxLive = max(maxLive, live.value)
                guard next < 500 else { return nil }
                next += 1
                return Input(live)
            },
            makeState: {},
            transform: { (_: inout Void, _: Input) -> Int in
                jitter(50)
                return 1
            },
            sink: { _ in })
        #expect(maxLive <= 2 * jobs)
        #expect(live.value == 0)
    }

    @Test func emptyInputAndDefaults() throws {
        #expect(OrderedParallelPipeline.defaultJobs == ProcessInfo.processInfo.activeProcessorCount)
        var sinkCalls = 0
        for jobs in [0, 1, 3] {
            try OrderedParallelPipeline.run(
                jobs: jobs, source: { () -> Int? in nil }, makeState: {},
                transform: { (_: inout Void, x: Int) in x }, sink: { _ in sinkCalls += 1 })
        }
        #expect(sinkCalls == 0)
    }

    @Test func classifiesChunksEndToEnd() throws {
        // Reader → parallel parse → ordered sink, as `triage classify` uses it.
        let text = (1...5000).map { #"{"id":"INC-\#($0)","title":"t\#($0)","description":"d"}"# }.joined(separator: "\n")
        let fd = pipeFeeding(Array(text.utf8), piece: 4096)
        defer { close(fd) }
        let reader = LineChunkReader(fileDescriptor: fd, chunkSize: 2048)
        var ids: [String] = []
        try OrderedParallelPipeline.run(
            jobs: 3,
            source: { try reader.next() },
            makeState: { IncidentLineParser() },
            transform: { (parser: inout IncidentLineParser, chunk: LineChunk) -> [String] in
                var out: [String] = []
                try chunk.forEachLine { (line, number) throws(JSONParseError) in
                    _ = try parser.parse(line)
                    out.append("\(number):\(parser.id.string)")
                }
                return out
            },
            sink: { ids += $0 })
        #expect(ids == (1...5000).map { "\($0):INC-\($0)" })
    }
}
