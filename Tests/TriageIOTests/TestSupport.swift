import Foundation
@testable import TriageIO

/// A pipe whose write end is fed `bytes` by a background thread in pieces
/// of `piece` bytes, so that reads come back short, as they do from stdin.
/// Returns the read end; the caller closes it.
func pipeFeeding(_ bytes: [UInt8], piece: Int = 7) -> Int32 {
    var fds: [Int32] = [0, 0]
    precondition(pipe(&fds) == 0)
    let writeEnd = fds[1]
    let thread = Thread {
        var i = 0
        while i < bytes.count {
            let n = min(piece, bytes.count - i)
            let written = bytes[i..<(i + n)].withUnsafeBufferPointer { write(writeEnd, $0.baseAddress!, n) }
            if written <= 0 { break }
            i += written
        }
        close(writeEnd)
    }
    thread.start()
    return fds[0]
}

/// A temporary file holding `bytes`, removed by `body`'s end.
func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "triageio-\(UUID().uuidString)"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Every chunk of `bytes` read with the given settings.
func chunks(of bytes: [UInt8], chunkSize: Int, mode: LineChunkReader.Mode = .lines, piece: Int = 7) throws -> [LineChunk] {
    let fd = pipeFeeding(bytes, piece: piece)
    defer { close(fd) }
    let reader = LineChunkReader(fileDescriptor: fd, chunkSize: chunkSize, mode: mode)
    var result: [LineChunk] = []
    while let chunk = try reader.next() { result.append(chunk) }
    return result
}
