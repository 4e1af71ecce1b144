import Foundation
import Testing
@testable import TriageIO

/// Collects everything written to a pipe on a background thread.
private final class PipeDrain: @unchecked Sendable {
    let readEnd: Int32
    let writeEnd: Int32
    private let done = DispatchSemaphore(value: 0)
    private var collected: [UInt8] = []

    /// `delay` microseconds between reads keep the pipe full, so that a
    /// non-blocking writer meets EAGAIN and short writes.
    init(readSize: Int = 65536, delay: UInt32 = 0) {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        readEnd = fds[0]
        writeEnd = fds[1]
        let thread = Thread { [self] in
            var buf = [UInt8](repeating: 0, count: readSize)
            while true {
                let n = read(readEnd, &buf, readSize)
                if n <= 0 { break }
                collected += buf[0..<n]
                if delay > 0 { usleep(delay) }
            }
            close(readEnd)
            done.signal()
        }
        thread.start()
    }

    /// Closes the write end and returns everything read.
    func finish() -> [UInt8] {
        close(writeEnd)
        done.wait()
        return collected
    }
}

@Suite struct OutputTests {
    private static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) } }

    @Test(arguments: [(1, 1 << 20, 100_003), (100, 4096, 1_000_003), (70_000, 65536, 5_000_017), (3_000_000, 1 << 20, 5_000_017)])
    func writesEverythingInOrder(pieceSize: Int, bufferSize: Int, total: Int) throws {
        let drain = PipeDrain()
        let data = Self.pattern(total)
        do {
            let writer = FileDescriptorWriter(fileDescriptor: drain.writeEnd, bufferSize: bufferSize)
            var i = 0
            while i < data.count {
                let n = min(pieceSize, data.count - i)
                try data[i..<(i + n)].withUnsafeBufferPointer { try writer.write($0) }
                i += n
            }
            try writer.flush()
            #expect(writer.bytesWritten == data.count)
        }
        #expect(drain.finish() == data)
    }

    @Test func retriesShortWritesOnANonBlockingPipe() throws {
        let drain = PipeDrain(readSize: 1000, delay: 50)
        let flags = fcntl(drain.writeEnd, F_GETFL)
        _ = fcntl(drain.writeEnd, F_SETFL, flags | O_NONBLOCK)
        let data = Self.pattern(600_000)
        let writer = FileDescriptorWriter(fileDescriptor: drain.writeEnd, bufferSize: 1 << 18)
        try writer.write(data)
        try writer.write("tail")
        try writer.flush()
        #expect(drain.finish() == data + Array("tail".utf8))
    }

    @Test func buffersUntilFlushed() throws {
        let drain = PipeDrain()
        let writer = FileDescriptorWriter(fileDescriptor: drain.writeEnd, bufferSize: 100)
        try writer.write("0123456789")
        #expect(writer.bytesWritten == 0)
        try writer.write(Array(repeating: UInt8(ascii: "x"), count: 95))  // overflows: the first part goes out
        #expect(writer.bytesWritten == 10)
        try writer.flush()
        #expect(writer.bytesWritten == 105)
        #expect(drain.finish().count == 105)
    }

    @Test func closedPipeEndsQuietly() throws {
        FileDescriptorWriter.ignoreBrokenPipeSignal()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        defer { close(fds[1]) }
        let writer = FileDescriptorWriter(fileDescriptor: fds[1], bufferSize: 16)
        #expect(throws: OutputError.brokenPipe) {
            for _ in 0..<10 { try writer.write("more than sixteen bytes\n") }
            try writer.flush()
        }
        // Later writes fail the same way at once.
        #expect(throws: OutputError.brokenPipe) { try writer.write("x") }
        #expect(throws: OutputError.brokenPipe) { try writer.flush() }
        #expect(OutputError.brokenPipe.description == "broken pipe")
    }

    @Test func otherWriteErrorsAreReported() {
        let writer = FileDescriptorWriter(fileDescriptor: -1, bufferSize: 4)
        #expect(throws: OutputError.writeFailed(errno: EBADF)) { try writer.write("hello") }
        #expect(OutputError.writeFailed(errno: EBADF).description == "write failed: Bad file descriptor")
    }

    @Test func pipesAreNotTerminals() {
        let drain = PipeDrain()
        #expect(!Terminal.isTerminal(drain.writeEnd))
        #expect(!Terminal.isTerminal(-1))
        _ = drain.finish()
    }

    // MARK: Progress

    static let progressLines: [(Int, Int, Double, Int?, String)] = [
        (0, 0, 0, nil, "0 incidents"),
        (0, 0, 0, 1000, "0 incidents  0%"),
        (50_000_000, 120_000, 0.5, 100_000_000, "120,000 incidents  240,000/s  100.0 MB/s  50%  ETA 1s"),
        (1_000_000, 1_500, 2, 100_000_000, "1,500 incidents  750/s  0.5 MB/s  1%  ETA 3m18s"),
        (1_000_000, 999, 60, 500_000_000, "999 incidents  17/s  0.0 MB/s  0%  ETA 8h19m"),
        (127_562_965, 200_000, 1.25, 127_562_965, "200,000 incidents  160,000/s  102.1 MB/s  100%  ETA 0s"),
        (5, 1_234_567, 1, nil, "1,234,567 incidents  1,234,567/s  0.0 MB/s"),
    ]

    @Test(arguments: progressLines)
    func formatsProgress(bytes: Int, items: Int, elapsed: Double, total: Int?, expected: String) {
        #expect(ProgressReporter.format(bytes: bytes, items: items, elapsed: elapsed, totalBytes: total) == expected)
    }

    @Test func drawsAtMostEveryInterval() {
        let drain = PipeDrain()
        let reporter = ProgressReporter(totalBytes: 100, fileDescriptor: drain.writeEnd, interval: 3600, unit: "lines")
        for i in 0..<1000 { reporter.update(bytes: i % 100, items: i) }
        reporter.finish(bytes: 100, items: 1000)
        let text = String(decoding: drain.finish(), as: UTF8.self)
        // Only the final line: the updates came faster than the interval.
        #expect(text.hasPrefix("\r1,000 lines  "))
        #expect(text.hasSuffix("\u{1B}[K\n"))
        #expect(text.filter { $0 == "\r" }.count == 1)
    }
}
