#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to write output.
public enum OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reader went away (`EPIPE`), as with `triage classify … | head`.
    /// Not a failure worth a message: stop producing output and exit quietly.
    case brokenPipe
    /// Any other `write(2)` error.
    case writeFailed(errno: Int32)

    public var description: String {
        switch self {
        case .brokenPipe: "broken pipe"
        case .writeFailed(let e): "write failed: \(String(cString: strerror(e)))"
        }
    }
}

/// Buffers output and writes it to a file descriptor in large blocks.
///
/// `write(2)` may write less than asked (pipes, sockets, signals), and a
/// non-blocking descriptor may refuse with `EAGAIN`; both are retried until
/// every byte is out. A closed pipe is reported as `OutputError.brokenPipe`
/// and every later write fails the same way at once, so a producer can stop
/// reading input. Call `ignoreBrokenPipeSignal()` first: by default the
/// process is killed by `SIGPIPE` before `write` can return `EPIPE`.
///
/// Not thread-safe: write from one thread (the pipeline's sink).
public final class FileDescriptorWriter {
    public let fileDescriptor: Int32
    private let buffer: ByteBuffer
    private let bufferSize: Int
    private var broken = false

    /// The number of bytes handed to `write(2)` so far.
    public private(set) var bytesWritten = 0

    public init(fileDescriptor: Int32 = STDOUT_FILENO, bufferSize: Int = 1 << 20) {
        self.fileDescriptor = fileDescriptor
        self.bufferSize = max(bufferSize, 1)
        buffer = ByteBuffer(capacity: self.bufferSize)
    }

    /// Flushes what is left, ignoring errors; call `flush()` to see them.
    deinit { try? flush() }

    /// Makes a closed pipe show up as `EPIPE` instead of killing the process.
    public static func ignoreBrokenPipeSignal() {
        signal(SIGPIPE, SIG_IGN)
    }

    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        if broken { throw .brokenPipe }
        if buffer.count + bytes.count > bufferSize {
            try flush()
            if bytes.count >= bufferSize {
                // Large blocks skip the copy.
                try writeAll(bytes)
                return
            }
        }
        buffer.append(bytes)
    }

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        let result: Result<Void, OutputError> = bytes.withUnsafeBufferPointer { b in
            do throws(OutputError) { return .success(try write(b)) } catch { return .failure(error) }
        }
        try result.get()
    }

    public func write(_ string: String) throws(OutputError) {
        var s = string
        let result: Result<Void, OutputError> = s.withUTF8 { b in
            do throws(OutputError) { return .success(try write(b)) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Writes out everything buffered.
    public func flush() throws(OutputError) {
        if broken { throw .brokenPipe }
        guard buffer.count > 0 else { return }
        let pending = buffer.bytes
        buffer.removeAll()
        try writeAll(pending)
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc_write(fileDescriptor, p, left)
            if n > 0 {
                p += n
                left -= n
                bytesWritten += n
                continue
            }
            let e = errno
            switch e {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // Non-blocking descriptor: wait until it can take more.
                var pfd = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, -1)
            case EPIPE:
                broken = true
                throw .brokenPipe
            default:
                throw .writeFailed(errno: e)
            }
        }
    }
}

/// `write(2)`, named apart from the methods above.
@inline(__always)
private func Glibc_write(_ fd: Int32, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
    write(fd, p, n)
}

/// Terminal checks for the command line.
public enum Terminal {
    /// Whether `fileDescriptor` is a terminal (`isatty`).
    public static func isTerminal(_ fileDescriptor: Int32) -> Bool { isatty(fileDescriptor) != 0 }

    public static var standardErrorIsTerminal: Bool { isTerminal(STDERR_FILENO) }
    public static var standardOutputIsTerminal: Bool { isTerminal(STDOUT_FILENO) }
}
