#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Prints a one-line progress display (count, rate, percentage, ETA) to a
/// terminal, redrawing it in place at most every `interval` seconds so that
/// a fast run spends no time on it.
///
/// Meant for standard error when it is a terminal (`Terminal.standardErrorIsTerminal`);
/// the caller decides whether to create one. Not thread-safe: call from the
/// pipeline's sink.
public final class ProgressReporter {
    public let fileDescriptor: Int32
    public let totalBytes: Int?
    public let interval: Double
    public let unit: String
    private let startTime: Double
    private var lastDraw: Double
    private var drewSomething = false

    /// - Parameters:
    ///   - totalBytes: the input size, if known, for the percentage and ETA.
    ///   - unit: what is counted, such as "incidents".
    public init(totalBytes: Int?, fileDescriptor: Int32 = STDERR_FILENO, interval: Double = 0.25, unit: String = "incidents") {
        self.fileDescriptor = fileDescriptor
        self.totalBytes = totalBytes
        self.interval = interval
        self.unit = unit
        startTime = ProgressReporter.now()
        lastDraw = startTime
    }

    /// Records progress; redraws when `interval` has passed since the last draw.
    public func update(bytes: Int, items: Int) {
        let t = ProgressReporter.now()
        guard t - lastDraw >= interval else { return }
        lastDraw = t
        draw(ProgressReporter.format(bytes: bytes, items: items, elapsed: t - startTime, totalBytes: totalBytes, unit: unit))
    }

    /// Draws the final numbers and ends the line.
    public func finish(bytes: Int, items: Int) {
        let t = ProgressReporter.now()
        draw(ProgressReporter.format(bytes: bytes, items: items, elapsed: t - startTime, totalBytes: nil, unit: unit))
        put("\n")
    }

    /// Erases the line, for when output or a message must follow cleanly.
    public func clear() {
        if drewSomething { put("\r\u{1B}[K") }
        drewSomething = false
    }

    private func draw(_ text: String) {
        put("\r" + text + "\u{1B}[K")
        drewSomething = true
    }

    private func put(_ s: String) {
        var s = s
        s.withUTF8 { b in
            var p = b.baseAddress!
            var left = b.count
            while left > 0 {
                let n = write(fileDescriptor, p, left)
                if n > 0 {
                    p += n
                    left -= n
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    return  // progress is best effort
                }
            }
        }
    }

    /// Seconds on a monotonic clock.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The progress line, such as
    /// `120,000 incidents  95,000/s  60.5 MB/s  63%  ETA 1s`.
    public static func format(bytes: Int, items: Int, elapsed: Double, totalBytes: Int?, unit: String = "incidents") -> String {
        var parts = ["\(grouped(items)) \(unit)"]
        if elapsed > 0 {
            parts.append("\(grouped(Int((Double(items) / elapsed).rounded())))/s")
            parts.append("\(oneDecimal(Double(bytes) / elapsed / 1e6)) MB/s")
        }
        if let total = totalBytes, total > 0 {
            let fraction = min(1, Double(bytes) / Double(total))
            parts.append("\(Int(fraction * 100))%")
            if bytes > 0 && elapsed > 0 {
                let remaining = elapsed * (Double(total - min(bytes, total)) / Double(bytes))
                parts.append("ETA \(duration(remaining))")
            }
        }
        return parts.joined(separator: "  ")
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    static func oneDecimal(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `42s`, `3m05s`, `2h07m`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + pad2(s % 60) + "s" }
        return "\(s / 3600)h" + pad2(s / 60 % 60) + "m"
    }

    private static func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
